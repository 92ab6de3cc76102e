package dev.geminigateway.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import dev.geminigateway.client.BudgetCounts;
import dev.geminigateway.client.BudgetTotals;
import dev.geminigateway.client.SharedBudgets;

/**
 * Client budget counters in Redis, so that every replica spends from one budget: one hash per client and period
 * ({@code gemini-gateway:budget:{<client name>}:d:<day>} and {@code :m:<month>}, fields {@code r}, {@code i},
 * {@code o}), changed and read back by one script, expiring a few days after their period. Keys hold client names
 * from the configuration, never tokens. A call slower than the timeout or failing fails its Mono, and for a short
 * pause after that calls fail at once, so an unreachable Redis costs requests no waiting; the budgets then count on
 * the replica from the totals Redis last answered.
 * <p>
 * Far from every limit ({@code TokenBudget#farFromLimits}) a request is counted on this replica and sent with the
 * client's other counts within {@link #SEND_DELAY} ({@link #addLater}), as are the tokens of every answer; near a
 * limit each admission is one script call that answers the shared totals ({@link #add}).
 */
public final class RedisClientBudgets implements SharedBudgets {

    private static final long PAUSE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long DAY_TTL_SECONDS = Duration.ofDays(3).toSeconds();
    private static final long MONTH_TTL_SECONDS = Duration.ofDays(35).toSeconds();

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> ADD = RedisScript.of("""
            local out = {}
            for k = 1, 2 do
              redis.call('HINCRBY', KEYS[k], 'r', ARGV[1])
              redis.call('HINCRBY', KEYS[k], 'i', ARGV[2])
              redis.call('HINCRBY', KEYS[k], 'o', ARGV[3])
              redis.call('EXPIRE', KEYS[k], ARGV[3 + k])
              local v = redis.call('HMGET', KEYS[k], 'r', 'i', 'o')
              for j = 1, 3 do out[#out + 1] = tonumber(v[j]) or 0 end
            end
            return out
            """, List.class);

    /** How long counts made by {@link #addLater} wait on this replica before they are sent in one call. */
    static final Duration SEND_DELAY = Duration.ofMillis(100);

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;
    private final Duration sendDelay;
    private volatile long pausedUntil = System.nanoTime();
    /** Per client (configured names only): Redis's last totals for the current period and what waits to be sent. */
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    /** One client's counts in one day and month. */
    private static final class Tally {

        final String day;
        final String month;
        final AtomicLong requests = new AtomicLong();
        final AtomicLong inputTokens = new AtomicLong();
        final AtomicLong outputTokens = new AtomicLong();
        final AtomicBoolean sendScheduled = new AtomicBoolean();
        volatile BudgetTotals confirmed;

        Tally(String day, String month) {
            this.day = day;
            this.month = month;
        }

        BudgetCounts pending() {
            return new BudgetCounts(requests.get(), inputTokens.get(), outputTokens.get());
        }

        void add(BudgetCounts delta) {
            requests.addAndGet(delta.requests());
            inputTokens.addAndGet(delta.inputTokens());
            outputTokens.addAndGet(delta.outputTokens());
        }

        BudgetCounts take() {
            return new BudgetCounts(requests.getAndSet(0), inputTokens.getAndSet(0), outputTokens.getAndSet(0));
        }
    }

    public RedisClientBudgets(ReactiveStringRedisTemplate redis, Duration timeout) {
        this(redis, timeout, SEND_DELAY);
    }

    /** @param sendDelay how long counts wait before they are sent (tests) */
    RedisClientBudgets(ReactiveStringRedisTemplate redis, Duration timeout, Duration sendDelay) {
        this.redis = redis;
        this.timeout = timeout;
        this.sendDelay = sendDelay;
    }

    /** Sends every waiting count now; completes when Redis answered (tests, shutdown). */
    Mono<Void> flush() {
        return Flux.fromIterable(tallies.entrySet()).flatMap(entry -> {
            BudgetCounts taken = entry.getValue().take();
            return taken.equals(BudgetCounts.ZERO) ? Mono.empty()
                    : send(entry.getKey(), entry.getValue(), taken).doOnError(e -> entry.getValue().add(taken));
        }).then();
    }

    /** Exact: this delta and every count waiting to be sent, in one script call whose totals are answered. */
    @Override
    public Mono<BudgetTotals> add(String client, String day, String month, BudgetCounts delta) {
        if (System.nanoTime() - pausedUntil < 0) {
            return Mono.error(new IllegalStateException("Redis failed recently; not asked again yet"));
        }
        Tally tally = tally(client, day, month);
        BudgetCounts taken = tally.take();
        return send(client, tally, add(taken, delta))
                .map(totals -> plus(totals, tally.pending()))
                .doOnError(e -> tally.add(taken));
    }

    @Override
    public BudgetTotals known(String client, String day, String month) {
        Tally tally = tallies.get(client);
        if (tally == null || !tally.day.equals(day) || !tally.month.equals(month) || tally.confirmed == null) {
            return null;
        }
        return plus(tally.confirmed, tally.pending());
    }

    /**
     * Counted here at once, sent within {@link #SEND_DELAY} together with the client's other waiting counts; while
     * Redis fails they keep waiting, and go with the next call that succeeds.
     */
    @Override
    public void addLater(String client, String day, String month, BudgetCounts delta) {
        Tally tally = tally(client, day, month);
        tally.add(delta);
        if (tally.sendScheduled.compareAndSet(false, true)) {
            // Off the event loops: the template may still be making its first connection, which blocks.
            Mono.delay(sendDelay, Schedulers.boundedElastic()).subscribe(tick -> {
                tally.sendScheduled.set(false);
                flush(client, tally);
            });
        }
    }

    private void flush(String client, Tally tally) {
        BudgetCounts taken = tally.take();
        if (taken.equals(BudgetCounts.ZERO)) {
            return;
        }
        if (System.nanoTime() - pausedUntil < 0) {
            tally.add(taken);
            return;
        }
        send(client, tally, taken).subscribe(totals -> {
        }, failed -> tally.add(taken));
    }

    private Mono<BudgetTotals> send(String client, Tally tally, BudgetCounts delta) {
        List<String> args = List.of(Long.toString(delta.requests()), Long.toString(delta.inputTokens()),
                Long.toString(delta.outputTokens()), Long.toString(DAY_TTL_SECONDS), Long.toString(MONTH_TTL_SECONDS));
        return redis.execute(ADD, RedisKeySchema.clientBudget(client, tally.day, tally.month), args)
                .next()
                .timeout(timeout)
                .map(RedisClientBudgets::totals)
                .doOnNext(totals -> tally.confirmed = totals)
                .doOnError(e -> pausedUntil = System.nanoTime() + PAUSE_NANOS);
    }

    /** The client's tally of this period; a tally of a past period is replaced, its waiting counts sent. */
    private Tally tally(String client, String day, String month) {
        Tally[] replaced = new Tally[1];
        Tally current = tallies.compute(client, (name, known) -> {
            if (known != null && known.day.equals(day) && known.month.equals(month)) {
                return known;
            }
            replaced[0] = known;
            return new Tally(day, month);
        });
        if (replaced[0] != null) {
            flush(client, replaced[0]);
        }
        return current;
    }

    private static BudgetCounts add(BudgetCounts a, BudgetCounts b) {
        return new BudgetCounts(a.requests() + b.requests(), a.inputTokens() + b.inputTokens(),
                a.outputTokens() + b.outputTokens());
    }

    private static BudgetTotals plus(BudgetTotals totals, BudgetCounts pending) {
        return new BudgetTotals(add(totals.day(), pending), add(totals.month(), pending));
    }

    private static BudgetTotals totals(List<?> values) {
        return new BudgetTotals(counts(values, 0), counts(values, 3));
    }

    private static BudgetCounts counts(List<?> values, int from) {
        return new BudgetCounts(number(values.get(from)), number(values.get(from + 1)), number(values.get(from + 2)));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }
}
