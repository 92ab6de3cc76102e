package dev.geminigateway.bench.quota;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.simulator.Quota;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One run: a simulator enforcing the quotas, a gateway in front of it (proactive or reactive), and open-loop
 * Poisson arrivals at a share of the aggregate quota. Both run on the real clock (time scale 1), so the gateway's
 * ledgers, its cooldowns, its waits (which are real {@code Mono.delay}s) and the simulator's windows agree.
 */
final class Scenario {

    static final String MODEL = "gemini-2.5-flash";
    private static final String BODY = "{\"contents\":[{\"parts\":[{\"text\":\"Say hello in one word.\"}]}]}";

    /** What one client request saw. */
    record Outcome(long sentNanos, long doneNanos, int status, String retryAfter, String body) {
    }

    /** Everything measured in one run, over the requests sent after the warm-up. */
    record Result(String mode, double load, long offered, long ok, long client429, long client429WithRetryAfter,
            long retryAfterRight, java.util.Map<String, Long> otherErrors, long upstream200, long upstream429, double throughputShare,
            double offeredShare, long[] okLatencyMicros, double maxRetryAfterError) {
    }

    private final BenchSettings settings;
    private final boolean proactive;
    private final double load;
    private final String mode;

    Scenario(BenchSettings settings, boolean proactive, double load) {
        this.settings = settings;
        this.proactive = proactive;
        this.load = load;
        this.mode = proactive ? "proactive" : "reactive";
    }

    Result run() throws Exception {
        AdmissionLog admissions = new AdmissionLog();
        List<String> keys = new ArrayList<>();
        try (GeminiSimulator sim = GeminiSimulator.start()) {
            for (int p = 0; p < settings.projects(); p++) {
                String project = "bench-p" + p;
                sim.setQuota(project, MODEL, Quota.of((int) settings.rpm(), settings.tpm(), (int) settings.rpd()));
                for (int k = 0; k < settings.keysPerProject(); k++) {
                    String key = "AIzaSyBench" + mode + "P" + p + "K" + k + "xxxxxxxxxxxxxxxxxxxx";
                    sim.addKey(key, project);
                    keys.add(key + "@" + project);
                }
            }
            String runId = mode + "-" + load;
            ConfigurableApplicationContext gateway = QuotaBenchGateway.start(runId, admissions, sim.baseUrl(), keys,
                    MODEL, settings, proactive);
            try {
                int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
                return drive(sim, admissions, URI.create("http://127.0.0.1:" + port + "/v1beta/models/" + MODEL
                        + ":generateContent"));
            }
            finally {
                gateway.close();
            }
        }
    }

    private Result drive(GeminiSimulator sim, AdmissionLog admissions, URI uri) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // one warm-up request: class loading and connection setup are not part of the measurement
        http.send(request(uri), HttpResponse.BodyHandlers.discarding());
        Random random = new Random(settings.seed());
        double perSecond = settings.aggregatePerSecond() * load;
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        long measureFrom = start + settings.warmup().toNanos();
        long upstream200AtWarmup = -1;
        long upstream429AtWarmup = -1;
        double next = start;
        while (true) {
            next += -Math.log(1 - random.nextDouble()) / perSecond * 1e9;
            if (next >= end) {
                break;
            }
            long wait;
            while ((wait = (long) next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (upstream200AtWarmup < 0 && System.nanoTime() >= measureFrom) {
                upstream200AtWarmup = sim.counters().withStatus(200);
                upstream429AtWarmup = sim.counters().withStatus(429);
            }
            long sent = System.nanoTime();
            inFlight.add(http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> {
                        long done = System.nanoTime();
                        if (error != null) {
                            outcomes.add(new Outcome(sent, done, 0, null, error.toString()));
                        }
                        else {
                            outcomes.add(new Outcome(sent, done, response.statusCode(),
                                    response.headers().firstValue("Retry-After").orElse(null),
                                    response.statusCode() == 200 ? null : response.body()));
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        long upstream200 = sim.counters().withStatus(200) - Math.max(0, upstream200AtWarmup);
        long upstream429 = sim.counters().withStatus(429) - Math.max(0, upstream429AtWarmup);
        return summarize(outcomes, admissions, measureFrom, end, upstream200, upstream429);
    }

    private Result summarize(Iterable<Outcome> outcomes, AdmissionLog admissions, long measureFrom, long end,
            long upstream200, long upstream429) {
        long offered = 0;
        long ok = 0;
        long client429 = 0;
        long withRetryAfter = 0;
        long right = 0;
        java.util.Map<String, Long> other = new java.util.TreeMap<>();
        double maxError = 0;
        List<Long> latencies = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.sentNanos() < measureFrom) {
                continue;
            }
            offered++;
            if (o.status() == 200) {
                ok++;
                latencies.add((o.doneNanos() - o.sentNanos()) / 1000);
            }
            else if (o.status() == 429) {
                client429++;
                if (o.retryAfter() != null) {
                    withRetryAfter++;
                    double truth = admissions.nanosUntilRoom(o.doneNanos(), settings.rpm(), settings.projects()) / 1e9;
                    double error = Math.abs(Long.parseLong(o.retryAfter()) - truth);
                    maxError = Math.max(maxError, error);
                    if (error <= 1.0) {
                        right++;
                    }
                }
            }
            else {
                String body = o.body() == null ? "" : o.body();
                String what = o.status() + " " + body.substring(0, Math.min(90, body.length())).replaceAll("\\s+", " ");
                other.merge(what, 1L, Long::sum);
            }
        }
        double minutes = (end - measureFrom) / 60e9;
        double quota = settings.projects() * settings.rpm() * minutes;
        return new Result(mode, load, offered, ok, client429, withRetryAfter, right, other, upstream200, upstream429,
                ok / quota, offered == 0 ? 0 : (double) ok / offered,
                latencies.stream().mapToLong(Long::longValue).toArray(), maxError);
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }
}
