package dev.geminigateway.bench.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import dev.geminigateway.quota.Admission;
import dev.geminigateway.quota.ClockTimeMeter;
import dev.geminigateway.quota.LocalQuotaLedgers;
import dev.geminigateway.quota.QuotaLimits;

/**
 * Why the minute ledgers are a sliding log and not a bucket4j bandwidth: the same Poisson arrivals, in virtual time,
 * go through (a) the gateway's {@link LocalQuotaLedgers}, (b) a bucket4j bucket of capacity L refilled greedily at L
 * per minute, (c) one refilled intervally with L every minute; a request that does not fit waits (first come, first
 * served) as long as the limiter says, up to max-wait, else it is a client 429. Admitted requests meet Gemini's rule
 * (the simulator's): at most L in any 60 s, else an upstream 429. Run with {@code java -cp … MinuteWindowModel}.
 * <p>
 * Arguments: {@code rpm=60 hours=4 maxWait=30s seed=1 loads=0.5,0.95,1.5}.
 */
public final class MinuteWindowModel {

    private static final long MINUTE = 60_000_000_000L;

    private MinuteWindowModel() {
    }

    /** A clock the model moves. */
    static final class VirtualClock extends Clock {
        private static final long EPOCH = Instant.parse("2026-11-27T00:00:00Z").getEpochSecond();
        long nanos;

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(EPOCH, nanos);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Answers 0 when a request may go at the clock's time, else nanoseconds to wait; takes the slot when 0. */
    interface Limiter {
        long tryTake();
    }

    record Result(String limiter, double load, long ok, long upstream429, long client429, double meanWaitMs,
            double p99WaitMs) {
    }

    public static void main(String[] args) {
        long rpm = Long.parseLong(arg(args, "rpm", "60"));
        double hours = Double.parseDouble(arg(args, "hours", "4"));
        Duration maxWait = Duration.ofSeconds(Long.parseLong(arg(args, "maxWait", "30s").replace("s", "")));
        long seed = Long.parseLong(arg(args, "seed", "1"));
        System.out.printf(Locale.ROOT, "L = %d per minute, %.1f h of Poisson arrivals per run, max-wait %s%n", rpm, hours,
                maxWait);
        System.out.println("| load | minute ledger | ok | upstream 429 / 1,000 ok | client 429 | mean wait ms | p99 wait ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String load : arg(args, "loads", "0.5,0.95,1.5").split(",")) {
            for (String kind : List.of("sliding log (gateway)", "bucket4j greedy", "bucket4j intervally")) {
                Result r = run(kind, rpm, Double.parseDouble(load), hours, maxWait, seed);
                System.out.printf(Locale.ROOT, "| %.0f %% | %s | %d | %.1f | %d | %.0f | %.0f |%n", r.load() * 100,
                        r.limiter(), r.ok(), r.ok() == 0 ? 0 : 1000.0 * r.upstream429() / r.ok(), r.client429(),
                        r.meanWaitMs(), r.p99WaitMs());
            }
        }
    }

    static Result run(String kind, long rpm, double load, double hours, Duration maxWait, long seed) {
        VirtualClock clock = new VirtualClock();
        Limiter limiter = limiter(kind, rpm, clock);
        Random random = new Random(seed);
        double perNano = load * rpm / (double) MINUTE;
        long end = (long) (hours * 60 * MINUTE);
        ArrayDeque<Long> gemini = new ArrayDeque<>();
        List<Long> waits = new ArrayList<>();
        long ok = 0;
        long upstream429 = 0;
        long client429 = 0;
        long queueFree = 0;
        double arrival = 0;
        while ((arrival += -Math.log(1 - random.nextDouble()) / perNano) < end) {
            long a = (long) arrival;
            long t = Math.max(a, queueFree);
            boolean admitted = false;
            while (t - a <= maxWait.toNanos()) {
                clock.nanos = t;
                long wait = limiter.tryTake();
                if (wait == 0) {
                    admitted = true;
                    break;
                }
                t += wait;
            }
            if (!admitted) {
                client429++;
                continue;
            }
            queueFree = t;
            waits.add(t - a);
            while (!gemini.isEmpty() && gemini.peekFirst() <= t - MINUTE) {
                gemini.pollFirst();
            }
            if (gemini.size() >= rpm) {
                upstream429++;
            }
            else {
                gemini.addLast(t);
                ok++;
            }
        }
        waits.sort(null);
        double mean = waits.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        double p99 = waits.isEmpty() ? 0 : waits.get((int) Math.min(waits.size() - 1, Math.ceil(0.99 * waits.size()) - 1)) / 1e6;
        return new Result(kind, load, ok, upstream429, client429, mean, p99);
    }

    private static Limiter limiter(String kind, long rpm, VirtualClock clock) {
        ClockTimeMeter time = new ClockTimeMeter(clock);
        return switch (kind) {
            case "sliding log (gateway)" -> {
                LocalQuotaLedgers ledgers = new LocalQuotaLedgers(clock, Duration.ZERO, 10);
                QuotaLimits limits = QuotaLimits.of(rpm, null, null);
                yield () -> ledgers.reserve("g", "p", "m", limits, 1) instanceof Admission.Denied no
                        ? Math.max(1, no.retryAfter().toNanos()) : 0;
            }
            case "bucket4j greedy" -> bucket(Bucket.builder()
                    .addLimit(l -> l.capacity(rpm).refillGreedy(rpm, Duration.ofMinutes(1)))
                    .withCustomTimePrecision(time).build());
            default -> bucket(Bucket.builder()
                    .addLimit(l -> l.capacity(rpm).refillIntervally(rpm, Duration.ofMinutes(1)))
                    .withCustomTimePrecision(time).build());
        };
    }

    private static Limiter bucket(Bucket bucket) {
        return () -> {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
        };
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
