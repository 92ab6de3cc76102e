package dev.geminigateway.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.ThreadLocalRandom;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.geminigateway.outcome.PacificDay;

/**
 * Ledgers shared by every gateway replica through Redis. The minute windows are a sorted set of admissions per
 * (project, model) kept by Lua scripts (the same sliding minute as {@link SlidingMinute}, atomic in Redis); the day
 * limit is a bucket4j bucket per Pacific date through bucket4j's Lettuce proxy manager (compare-and-swap); a changed
 * (learned) limit replaces the stored configuration and keeps today's count.
 * Time is the gateway's clock (bucket4j's client-side clock, and the scripts' {@code now}), not Redis's.
 * <p>
 * Keys hold project and model names, never API keys; the three keys of one window share a hash tag, so the scripts
 * run on Redis Cluster. When Redis fails, a request is let through untracked (logged): a ledger outage must not fail
 * requests, and Gemini's own 429s still steer the rotation.
 */
public class RedisQuotaLedgers implements QuotaLedgers, AutoCloseable {

    private static final Log log = LogFactory.getLog(RedisQuotaLedgers.class);

    /** KEYS: admissions (zset id → ms), tokens (hash id → tokens), token total. ARGV: now, window, rpm, tpm, tokens, id. */
    private static final String ACQUIRE = """
            local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
            local rpm, tpm, tokens = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
            local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if #old > 0 then
              local sum = 0
              for _, v in ipairs(redis.call('HMGET', KEYS[2], unpack(old))) do if v then sum = sum + tonumber(v) end end
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
              redis.call('HDEL', KEYS[2], unpack(old))
              redis.call('DECRBY', KEYS[3], sum)
            end
            local count = redis.call('ZCARD', KEYS[1])
            local total = tonumber(redis.call('GET', KEYS[3]) or '0')
            if (rpm >= 0 and count + 1 > rpm) or (tpm >= 0 and total + tokens > tpm) then
              if rpm == 0 or (tpm >= 0 and tokens > tpm) then return -1 end
              local needRequests, needTokens = 0, 0
              if rpm >= 0 then needRequests = math.max(0, count + 1 - rpm) end
              if tpm >= 0 then needTokens = math.max(0, total + tokens - tpm) end
              local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
              local freedRequests, freedTokens = 0, 0
              for i = 1, #entries, 2 do
                freedRequests = freedRequests + 1
                freedTokens = freedTokens + tonumber(redis.call('HGET', KEYS[2], entries[i]) or '0')
                if freedRequests >= needRequests and freedTokens >= needTokens then
                  return math.max(1, tonumber(entries[i + 1]) + window - now)
                end
              end
              return -1
            end
            redis.call('ZADD', KEYS[1], now, ARGV[6])
            redis.call('HSET', KEYS[2], ARGV[6], tokens)
            redis.call('INCRBY', KEYS[3], tokens)
            for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], window * 2) end
            return 0
            """;

    /** KEYS as above. ARGV: id, new tokens (-1: refund). Changes nothing once the admission has left the window. */
    private static final String ADJUST = """
            if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
            local before = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
            local after = tonumber(ARGV[2])
            if after < 0 then
              redis.call('ZREM', KEYS[1], ARGV[1])
              redis.call('HDEL', KEYS[2], ARGV[1])
              redis.call('DECRBY', KEYS[3], before)
            else
              redis.call('HSET', KEYS[2], ARGV[1], after)
              redis.call('INCRBY', KEYS[3], after - before)
            end
            return 1
            """;

    /** KEYS as above. ARGV: now, window. Returns {requests, tokens} in the window. */
    private static final String USAGE = """
            local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
            local inWindow = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - window), '+inf')
            local sum = 0
            if #inWindow > 0 then
              for _, v in ipairs(redis.call('HMGET', KEYS[2], unpack(inWindow))) do if v then sum = sum + tonumber(v) end end
            end
            return {#inWindow, sum}
            """;

    private final StatefulRedisConnection<String, String> strings;
    private final StatefulRedisConnection<String, byte[]> bytes;
    private final ProxyManager<String> days;
    private final Clock clock;
    private final long windowMillis;
    private final String prefix;
    /** The limit this replica last used per day bucket, so that the stored configuration is checked only on change. */
    private final java.util.Map<String, Long> dayLimits = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param prefix of every Redis key, e.g. {@code gq} (keys look like {@code gq:{project/model}:z})
     */
    public RedisQuotaLedgers(RedisClient client, Clock clock, Duration safetyMargin, String prefix) {
        this.strings = client.connect(StringCodec.UTF8);
        this.bytes = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.days = Bucket4jLettuce.casBasedBuilder(bytes)
                .clientClock(new ClockTimeMeter(clock))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.fixedTimeToLive(Duration.ofHours(50)))
                .build();
        this.clock = clock;
        this.windowMillis = LocalQuotaLedgers.WINDOW.plus(safetyMargin).toMillis();
        this.prefix = prefix;
    }

    @Override
    public Admission tryReserve(String group, String project, String model, QuotaLimits limits, long inputTokens) {
        Instant now = clock.instant();
        if (!limits.any()) {
            return new Admission.Granted(QuotaReservation.untracked(group, project, model, now, inputTokens));
        }
        try {
            String id = null;
            if (limits.minuteLimited()) {
                id = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(now.toEpochMilli());
                long answer = minute(project, model, ACQUIRE, Long.toString(now.toEpochMilli()),
                        Long.toString(windowMillis), limitArg(limits.rpm()), limitArg(limits.tpm()),
                        Long.toString(inputTokens), id);
                if (answer != 0) {
                    QuotaMetric metric = usage(project, model, now)[0] + 1 > limits.rpm() ? QuotaMetric.RPM : QuotaMetric.TPM;
                    return new Admission.Denied(metric, answer < 0 ? null : Duration.ofMillis(answer));
                }
            }
            LocalDate day = null;
            if (limits.rpd() != QuotaLimits.NONE) {
                if (limits.rpd() == 0 || !dayBucket(project, model, now, limits.rpd()).tryConsume(1)) {
                    if (id != null) {
                        minute(project, model, ADJUST, id, "-1");
                    }
                    return new Admission.Denied(QuotaMetric.RPD,
                            limits.rpd() == 0 ? null : Duration.between(now, PacificDay.nextMidnight(now)));
                }
                day = now.atZone(PacificDay.ZONE).toLocalDate();
            }
            return new Admission.Granted(new QuotaReservation(group, project, model, now, day, inputTokens, day != null,
                    id));
        }
        catch (RuntimeException e) {
            log.warn("Quota ledger in Redis unavailable, request for project " + project + " let through untracked: "
                    + e.getMessage());
            return new Admission.Granted(QuotaReservation.untracked(group, project, model, now, inputTokens));
        }
    }

    @Override
    public void reconcile(QuotaReservation reservation, long realInputTokens) {
        if (reservation == null || realInputTokens < 0 || reservation.refunded()) {
            return;
        }
        reservation.swapTokens(realInputTokens);
        if (reservation.entry instanceof String id) {
            quietly(() -> minute(reservation.project(), reservation.model(), ADJUST, id, Long.toString(realInputTokens)));
        }
    }

    @Override
    public void refund(QuotaReservation reservation) {
        if (reservation == null || !reservation.tracked() || !reservation.markRefunded()) {
            return;
        }
        if (reservation.entry instanceof String id) {
            quietly(() -> minute(reservation.project(), reservation.model(), ADJUST, id, "-1"));
        }
        if (reservation.dayCharged()) {
            quietly(() -> {
                String key = dayKey(reservation.project(), reservation.model(), reservation.pacificDay());
                days.getProxyConfiguration(key).ifPresent(config -> days.builder().build(key, config).addTokens(1));
                return 0L;
            });
        }
    }

    @Override
    public void exhaust(String project, String model, QuotaMetric metric, QuotaLimits limits) {
        if (metric == QuotaMetric.RPD && limits.rpd() != QuotaLimits.NONE && limits.rpd() > 0) {
            quietly(() -> dayBucket(project, model, clock.instant(), limits.rpd()).tryConsumeAsMuchAsPossible());
        }
    }

    @Override
    public Duration untilRoom(String project, String model, QuotaLimits limits, long inputTokens) {
        // Estimated from the usage counts: exact waits come with tryReserve; this one only orders cooling projects.
        Instant now = clock.instant();
        Headroom headroom = headroom(project, model, limits);
        if (limits.rpm() == 0 || limits.rpd() == 0 || (limits.tpm() != QuotaLimits.NONE && inputTokens > limits.tpm())) {
            return null;
        }
        if (headroom.requestsToday() < 1) {
            return Duration.between(now, PacificDay.nextMidnight(now));
        }
        boolean minuteRoom = headroom.requestsThisMinute() >= 1 && headroom.tokensThisMinute() >= inputTokens;
        return minuteRoom ? Duration.ZERO : Duration.ofMillis(windowMillis);
    }

    @Override
    public Headroom headroom(String project, String model, QuotaLimits limits) {
        Instant now = clock.instant();
        long rpm = limits.rpm();
        long tpm = limits.tpm();
        long rpd = limits.rpd();
        try {
            if (limits.minuteLimited()) {
                long[] used = usage(project, model, now);
                rpm = rpm == QuotaLimits.NONE ? rpm : Math.max(0, rpm - used[0]);
                tpm = tpm == QuotaLimits.NONE ? tpm : Math.max(0, tpm - used[1]);
            }
            if (rpd != QuotaLimits.NONE && rpd > 0) {
                rpd = dayBucket(project, model, now, rpd).getAvailableTokens();
            }
        }
        catch (RuntimeException e) {
            log.debug("Quota ledger in Redis unavailable: " + e.getMessage());
        }
        return new Headroom(rpm, tpm, rpd);
    }

    /** Deletes this prefix's keys (tests, an operator's reset); SCAN, so it is safe on a busy server. */
    @Override
    public void reset() {
        RedisCommands<String, String> redis = strings.sync();
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> scan = redis.scan(cursor, io.lettuce.core.ScanArgs.Builder.matches(prefix + ":*"));
            if (!scan.getKeys().isEmpty()) {
                redis.del(scan.getKeys().toArray(String[]::new));
            }
            cursor = scan;
        }
        while (!cursor.isFinished());
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public void close() {
        bytes.close();
        strings.close();
    }

    private long minute(String project, String model, String script, String... args) {
        String tag = prefix + ":{" + project + "/" + model + "}";
        return strings.sync().eval(script, ScriptOutputType.INTEGER, new String[] { tag + ":z", tag + ":h", tag + ":t" },
                args);
    }

    private long[] usage(String project, String model, Instant now) {
        String tag = prefix + ":{" + project + "/" + model + "}";
        java.util.List<Long> counts = strings.sync().eval(USAGE, ScriptOutputType.MULTI,
                new String[] { tag + ":z", tag + ":h", tag + ":t" }, Long.toString(now.toEpochMilli()),
                Long.toString(windowMillis));
        return new long[] { counts.get(0), counts.get(1) };
    }

    private BucketProxy dayBucket(String project, String model, Instant now, long limit) {
        String key = dayKey(project, model, now.atZone(PacificDay.ZONE).toLocalDate());
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit).refillIntervally(limit, Duration.ofDays(2)))
                .build();
        BucketProxy bucket = days.builder().build(key, () -> config);
        if (!Long.valueOf(limit).equals(dayLimits.put(key, limit))) {
            // A limit this replica has not used with this bucket yet (e.g. just learned): the stored one may differ.
            long stored = days.getProxyConfiguration(key).map(c -> c.getBandwidths()[0].getCapacity()).orElse(limit);
            if (stored != limit) {
                // Today's count carries over (bucket4j's strategies clamp or scale it; neither keeps it when the
                // limit shrinks). Two steps, not atomic: a request between them may be counted once too few.
                long used = Math.max(0, stored - bucket.getAvailableTokens());
                bucket.replaceConfiguration(config, TokensInheritanceStrategy.RESET);
                if (used > 0) {
                    bucket.tryConsumeAsMuchAsPossible(Math.min(used, limit));
                }
            }
        }
        return bucket;
    }

    private String dayKey(String project, String model, LocalDate day) {
        return prefix + ":{" + project + "/" + model + "}:d:" + day;
    }

    private static String limitArg(long limit) {
        return limit == QuotaLimits.NONE ? "-1" : Long.toString(limit);
    }

    private static void quietly(java.util.function.Supplier<Long> action) {
        try {
            action.get();
        }
        catch (RuntimeException e) {
            log.warn("Quota ledger in Redis unavailable: " + e.getMessage());
        }
    }
}
