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
 * gap=120s model=gemini-2.5-flash}.
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
        Duration gap = Duration.ofSeconds(Long.parseLong(arg(args, "gap", "120s").replace("s", "")));
        System.out.printf(Locale.ROOT, "%d clients x %d requests %ss apart (simulated), ~%d-token system prompt each,"
                + " %d projects at %d RPM (simulator and gateway), %s, implicit cache TTL %s%n", clients, rounds,
                gap.toSeconds(), promptTokens, projects, rpm, model, ImplicitCache.DEFAULT_TTL);
        Result off = run("rotation (affinity off)", false, clients, projects, rounds, promptTokens, rpm, gap, model);
        Result on = run("affinity on", true, clients, projects, rounds, promptTokens, rpm, gap, model);
        System.out.println();
        System.out.println("| mode | requests | ok | input tokens | cached tokens | cached share | upstream 429 "
                + "| requests per project (min-max) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : List.of(off, on)) {
            long min = java.util.Arrays.stream(r.perProject()).min().orElse(0);
            long max = java.util.Arrays.stream(r.perProject()).max().orElse(0);
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %,d | %,d | %.1f %% | %d | %d-%d |%n", r.mode(),
                    r.requests(), r.ok(), r.input(), r.cached(), 100 * r.share(), r.upstream429(), min, max);
        }
        System.out.printf(Locale.ROOT, "%ncached share, affinity on / off: %.2fx%n",
                off.share() == 0 ? Double.POSITIVE_INFINITY : on.share() / off.share());
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
