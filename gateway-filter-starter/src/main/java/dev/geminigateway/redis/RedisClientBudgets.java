package dev.geminigateway.redis;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

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

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;
    private volatile long pausedUntil = System.nanoTime();

    public RedisClientBudgets(ReactiveStringRedisTemplate redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    @Override
    public Mono<BudgetTotals> add(String client, String day, String month, BudgetCounts delta) {
        if (System.nanoTime() - pausedUntil < 0) {
            return Mono.error(new IllegalStateException("Redis failed recently; not asked again yet"));
        }
        List<String> args = List.of(Long.toString(delta.requests()), Long.toString(delta.inputTokens()),
                Long.toString(delta.outputTokens()), Long.toString(DAY_TTL_SECONDS), Long.toString(MONTH_TTL_SECONDS));
        return redis.execute(ADD, RedisKeySchema.clientBudget(client, day, month), args)
                .next()
                .timeout(timeout)
                .map(RedisClientBudgets::totals)
                .doOnError(e -> pausedUntil = System.nanoTime() + PAUSE_NANOS);
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
