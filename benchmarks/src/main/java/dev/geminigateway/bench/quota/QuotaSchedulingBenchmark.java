package dev.geminigateway.bench.quota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Proactive versus reactive quota scheduling (docs/BENCHMARKS.md, "Quota scheduling"). For each offered load (a
 * share of the aggregate quota of P projects), a proactive and a reactive gateway run side by side, each with its own
 * simulator, on the same Poisson arrival sequence, and the results are printed as a Markdown table.
 * <p>
 * Arguments ({@code name=value}, all optional): {@code projects=4 keys=2 rpm=300 duration=150s warmup=60s
 * maxWait=5s loads=0.5,0.95,1.5 seed=42}.
 */
public final class QuotaSchedulingBenchmark {

    private QuotaSchedulingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int projects = intArg(args, "projects", 4);
        int keys = intArg(args, "keys", 2);
        long rpm = intArg(args, "rpm", 300);
        Duration duration = durationArg(args, "duration", "150s");
        Duration warmup = durationArg(args, "warmup", "60s");
        Duration maxWait = durationArg(args, "maxWait", "5s");
        long seed = intArg(args, "seed", 42);
        double[] loads = Arrays.stream(arg(args, "loads", "0.5,0.95,1.5").split(",")).mapToDouble(Double::parseDouble)
                .toArray();
        BenchSettings settings = new BenchSettings(projects, keys, rpm, 100_000_000L, 10_000_000L, duration, warmup,
                maxWait, seed);
        System.out.printf(Locale.ROOT, "%d projects x %d keys, %d RPM each (aggregate %.1f req/s), runs of %s measured "
                + "after %s, max-wait %s, Poisson arrivals (seed %d)%n", projects, keys, rpm,
                settings.aggregatePerSecond(), duration, warmup, maxWait, seed);
        List<Scenario.Result> results = new ArrayList<>();
        for (double load : loads) {
            CompletableFuture<Scenario.Result> proactive = CompletableFuture.supplyAsync(() -> run(settings, true, load));
            CompletableFuture<Scenario.Result> reactive = CompletableFuture.supplyAsync(() -> run(settings, false, load));
            results.add(proactive.join());
            results.add(reactive.join());
            for (Scenario.Result r : results.subList(results.size() - 2, results.size())) {
                System.out.println(row(r));
                r.otherErrors().forEach((what, count) -> System.out.println("    other answers, " + r.mode() + ": " + count
                        + " x " + what));
            }
        }
        System.out.println();
        System.out.println(header());
        results.forEach(r -> System.out.println(row(r)));
        results.forEach(r -> r.otherErrors().forEach((what, count) -> System.out.println("other answers, "
                + r.load() * 100 + " % " + r.mode() + ": " + count + " x " + what)));
    }

    private static Scenario.Result run(BenchSettings settings, boolean proactive, double load) {
        try {
            return new Scenario(settings, proactive, load).run();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String header() {
        return "| load | mode | offered | ok | client 429 | with Retry-After (right ±1 s) | max RA error s | upstream 429 "
                + "| upstream 429 / 1,000 ok | ok / quota | ok / offered | latency p50 / p99 / max ms |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    static String row(Scenario.Result r) {
        long[] sorted = r.okLatencyMicros().clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT,
                "| %.0f %% | %s | %d | %d | %d | %d (%d) | %.2f | %d | %.1f | %.1f %% | %.1f %% | %.1f / %.1f / %.1f |",
                r.load() * 100, r.mode(), r.offered(), r.ok(), r.client429(), r.client429WithRetryAfter(),
                r.retryAfterRight(), r.maxRetryAfterError(), r.upstream429(),
                r.upstream200() == 0 ? 0 : 1000.0 * r.upstream429() / r.upstream200(), 100 * r.throughputShare(),
                100 * r.offeredShare(), rank(sorted, 50) / 1000.0, rank(sorted, 99) / 1000.0,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
    }

    private static long rank(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String arg(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(arg(args, name, Integer.toString(fallback)));
    }

    private static Duration durationArg(String[] args, String name, String fallback) {
        String value = arg(args, name, fallback).trim().toLowerCase(Locale.ROOT);
        return value.endsWith("ms") ? Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
    }
}
