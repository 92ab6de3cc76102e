package dev.geminigateway.bench.cache;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.simulator.cache.ImplicitCache;

/**
 * Prompt-cache affinity on versus off (docs/BENCHMARKS.md, "Prompt-cache affinity"): C clients, each with its own
 * long system prompt, send R requests each (a new question every time) through a gateway over P projects, against
 * the simulator's implicit cache. Clients go in rounds; between rounds the simulator's clock moves on by
 * {@code gap} (a client asking every two minutes, say), so a cached prefix lives as long as it would on Gemini
 * while the run takes seconds. The gateway runs on the real clock: its minute ledgers see all rounds at once, which
 * only makes them stricter. Reported per mode: the share of input tokens Gemini served from cache, upstream
 * 429s, answers that were not 200, and how the requests spread over the projects. Each mode gets a fresh simulator and
 * gateway; the per-project RPM is enforced by the simulator and configured in the gateway.
 * <p>
 * Arguments ({@code name=value}, all optional): {@code clients=20 projects=5 rounds=10 promptTokens=3000 rpm=50
 * gap=30s,60s,120s,150s,180s,240s,300s model=gemini-2.5-flash}; one pair of runs per gap, then one table.
 */
public final class PromptCacheAffinityBenchmark {

    private PromptCacheAffinityBenchmark() {
    }

    record Result(String mode, long requests, long ok, long input, long cached, long upstream429, long[] perProject) {

        double share() {
            return input == 0 ? 0 : (double) cached / input;
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = intArg(args, "clients", 20);
        int projects = intArg(args, "projects", 5);
        int rounds = intArg(args, "rounds", 10);
        int promptTokens = intArg(args, "promptTokens", 3000);
        int rpm = intArg(args, "rpm", 50);
        String model = arg(args, "model", "gemini-2.5-flash");
        List<Duration> gaps = new ArrayList<>();
        for (String gap : arg(args, "gap", DEFAULT_GAPS).split(",")) {
            gaps.add(Duration.ofSeconds(Long.parseLong(gap.strip().replace("s", ""))));
        }
        Duration ttl = ImplicitCache.DEFAULT_TTL;
        System.out.printf(Locale.ROOT, "%d clients x %d requests, ~%d-token system prompt each, %d projects at %d RPM"
                + " (simulator and gateway), %s, implicit cache TTL %ss; gaps %s%n", clients, rounds, promptTokens,
                projects, rpm, model, ttl.toSeconds(), gaps);
        List<Result[]> rows = new ArrayList<>();
        for (Duration gap : gaps) {
            Result off = run("rotation (affinity off), gap " + gap.toSeconds() + "s", false, clients, projects, rounds,
                    promptTokens, rpm, gap, model);
            Result on = run("affinity on, gap " + gap.toSeconds() + "s", true, clients, projects, rounds,
                    promptTokens, rpm, gap, model);
            rows.add(new Result[] { off, on });
        }
        System.out.println();
        System.out.println("| gap | earlier requests within the TTL (k) | cached share, rotation | rotation, expected "
                + "| cached share, affinity | affinity / rotation | upstream 429 (rotation / affinity) "
                + "| not 200 (rotation / affinity) | requests per project, rotation / affinity |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < gaps.size(); i++) {
            Duration gap = gaps.get(i);
            Result off = rows.get(i)[0];
            Result on = rows.get(i)[1];
            int k = withinTtl(gap, ttl);
            System.out.printf(Locale.ROOT, "| %d s | %d | %.1f %% | %.1f %% | %.1f %% | %s | %d / %d | %d / %d | %s / %s |%n",
                    gap.toSeconds(), k, 100 * off.share(), 100 * expectedRotationShare(on.share(), k, projects,
                            rounds), 100 * on.share(), ratio(on.share(), off.share()), off.upstream429(),
                    on.upstream429(), off.requests() - off.ok(), on.requests() - on.ok(), spread(off), spread(on));
        }
        System.out.println();
        System.out.println("k: how many of a client's earlier requests are younger than the TTL when the next one"
                + " comes (ceil(TTL / gap) - 1). Rotation, expected: affinity's share times the average over rounds of"
                + " 1 - (1 - 1/projects)^min(round, k), the chance that one of those earlier requests went to the"
                + " same project when each picks a project at random.");
    }

    /** Gaps of the default table: from chatty clients to ones that ask less often than the TTL. */
    static final String DEFAULT_GAPS = "30s,60s,120s,150s,180s,240s,300s";

    /** How many earlier requests of a client still have their prefix cached when its next request comes. */
    static int withinTtl(Duration gap, Duration ttl) {
        long g = gap.toMillis();
        return g <= 0 ? Integer.MAX_VALUE : (int) ((ttl.toMillis() + g - 1) / g) - 1;
    }

    /**
     * Plain rotation's share if each request went to a random project: a hit needs one of the client's last
     * {@code k} requests on the same project; what a hit is worth is affinity's share (which misses only the first
     * request and what lies past the last whole cache block) scaled to every request after the first.
     */
    static double expectedRotationShare(double affinityShare, int k, int projects, int rounds) {
        if (rounds < 2) {
            return 0;
        }
        double sum = 0;
        for (int r = 1; r < rounds; r++) {
            sum += 1 - Math.pow(1 - 1.0 / projects, Math.min(r, k));
        }
        return affinityShare * sum / (rounds - 1);
    }

    private static String ratio(double on, double off) {
        if (off == 0) {
            return on == 0 ? "-" : "∞";
        }
        return String.format(Locale.ROOT, "%.2f×", on / off);
    }

    private static String spread(Result r) {
        long min = java.util.Arrays.stream(r.perProject()).min().orElse(0);
        long max = java.util.Arrays.stream(r.perProject()).max().orElse(0);
        return min + "-" + max;
    }

    private static Result run(String mode, boolean affinity, int clients, int projects, int rounds,
            int promptTokens, int rpm, Duration gap, String model) throws Exception {
        try (GeminiSimulator sim = GeminiSimulator.start()) {
            List<String> keys = new ArrayList<>();
            for (int p = 0; p < projects; p++) {
                String project = "bench-project-" + p;
                String key = "AIzaSyCacheBenchP" + p + "xxxxxxxxxxxxxxxxxxxxxx";
                sim.addKey(key, project);
                sim.setQuota(project, model, Quota.of(rpm, 1_000_000_000L, 1_000_000));
                keys.add(key + "@" + project);
            }
            ConfigurableApplicationContext gateway = CacheBenchGateway.start(sim.baseUrl(), keys, model, rpm,
                    affinity);
            try {
                int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
                URI uri = URI.create("http://127.0.0.1:" + port + "/v1beta/models/" + model + ":generateContent");
                long ok = drive(sim, uri, clients, rounds, promptTokens, gap);
                long input = 0;
                long cached = 0;
                long[] perProject = new long[projects];
                for (int p = 0; p < projects; p++) {
                    ImplicitCache.Counts counts = sim.implicitCache().counts("bench-project-" + p);
                    input += counts.inputTokens();
                    cached += counts.cachedTokens();
                    perProject[p] = sim.counters().forProject("bench-project-" + p);
                }
                Result result = new Result(mode, (long) clients * rounds, ok, input, cached,
                        sim.counters().withStatus(429), perProject);
                System.out.printf(Locale.ROOT, "%s: %d ok of %d, cached share %.1f %%, upstream 429 %d%n", mode, ok,
                        result.requests(), 100 * result.share(), result.upstream429());
                return result;
            }
            finally {
                gateway.close();
            }
        }
    }

    /** In each round every client sends one request, side by side; then the simulated time moves on by the gap. */
    private static long drive(GeminiSimulator sim, URI uri, int clients, int rounds, int promptTokens, Duration gap)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> systems = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            systems.add(systemPrompt(c, promptTokens));
        }
        AtomicLong ok = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int r = 0; r < rounds; r++) {
                int round = r;
                List<Future<?>> running = new ArrayList<>();
                for (String system : systems) {
                    running.add(pool.submit(() -> {
                        String body = "{\"systemInstruction\":{\"parts\":[{\"text\":\"" + system + "\"}]},"
                                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Question " + round
                                + " about the document\"}]}]}";
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            ok.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> future : running) {
                    future.get();
                }
                sim.setClock(sim.now().plus(gap));
            }
        }
        finally {
            pool.shutdown();
        }
        return ok.get();
    }

    /** About {@code tokens} tokens (four characters each), different for every client from its first word on. */
    private static String systemPrompt(int client, int tokens) {
        StringBuilder text = new StringBuilder("Client ").append(client).append(" assistant. ");
        while (text.length() < tokens * 4) {
            text.append("Answer questions about policy document ").append(client).append(" carefully. ");
        }
        return text.toString();
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(arg(args, name, Integer.toString(fallback)));
    }

    private static String arg(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }
}
