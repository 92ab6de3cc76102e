package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import dev.geminigateway.quota.Admission;
import dev.geminigateway.quota.Headroom;
import dev.geminigateway.quota.LocalQuotaLedgers;
import dev.geminigateway.quota.QuotaLedgers;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.quota.QuotaUsage;
import dev.geminigateway.outcome.PacificDay;

/**
 * Ledgers shared by every gateway replica through Redis: per (project, model) a sorted set of the minute's
 * admissions with their tokens, and a count of today's (Pacific) requests, kept by Lua scripts ({@link QuotaScripts})
 * that check and reserve every limit in one atomic step. A changed (learned) limit is just another argument: today's
 * count stays. Time is the gateway's clock, not Redis's. A request costs one script call: the real token count of
 * an answer ({@link #reconcile}) waits in {@link PendingCorrections} and travels with the pair's next admission, or
 * alone after {@link #CORRECTION_DEADLINE}.
 * <p>
 * Every call is non-blocking with a timeout ({@link RedisCommandsHolder}, connected lazily). When Redis fails or is
 * slow, this replica decides on its own {@link LocalQuotaLedgers} (logged once per outage) and asks Redis again after
 * a pause: a ledger outage never fails requests. Keys hold project and model names, never API keys.
 */
public class RedisQuotaLedgers implements QuotaLedgers, AutoCloseable {

    private static final int SHARE_RETRIES = 10;
    private static final Duration SHARE_RETRY_DELAY = Duration.ofMillis(500);

    private static final Log log = LogFactory.getLog(RedisQuotaLedgers.class);
    private static final Duration DAY_KEY_TTL = Duration.ofHours(50);
    private static final Duration RESET_WAIT = Duration.ofSeconds(10);

    /** How long a usage correction may wait for an admission of its pair to carry it before it is sent alone. */
    static final Duration CORRECTION_DEADLINE = Duration.ofMillis(100);

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final RedisCommandsHolder redis;
    private final LuaScripts scripts;
    private final PendingCorrections corrections;
    private final LocalQuotaLedgers fallback;
    private final Clock clock;
    private final long windowMillis;
    private final String prefix;
    /** Last usage seen per (project, model): what headroom answers on a thread that must not wait. */
    private final Map<String, long[]> lastUsage = new ConcurrentHashMap<>();

    /** The ledger's record of a reservation made in Redis. */
    private record Shared(String id, boolean minuteCharged) {
    }

    /**
     * @param client the Lettuce client (standalone or cluster), asked for and connected on first use, off the event
     *     loop
     * @param timeout of every Redis call; slower answers count as failed and the replica decides locally
     * @param prefix of every Redis key, e.g. {@code gq} (keys look like {@code gq:{project/model}:z})
     */
    public RedisQuotaLedgers(Supplier<? extends AbstractRedisClient> client, Clock clock, Duration safetyMargin, Duration timeout,
            String prefix, int maxLocalLedgers) {
        this(client, clock, safetyMargin, timeout, prefix, maxLocalLedgers, System::nanoTime);
    }

    /** @param pauseTime monotonic nanoseconds for the pause after a Redis failure (a test's ticker) */
    RedisQuotaLedgers(Supplier<? extends AbstractRedisClient> client, Clock clock, Duration safetyMargin, Duration timeout,
            String prefix, int maxLocalLedgers, LongSupplier pauseTime) {
        this(client, clock, safetyMargin, timeout, prefix, maxLocalLedgers, pauseTime, CORRECTION_DEADLINE);
    }

    /** @param correctionDeadline how long a usage correction waits for an admission to carry it (tests) */
    RedisQuotaLedgers(Supplier<? extends AbstractRedisClient> client, Clock clock, Duration safetyMargin, Duration timeout,
            String prefix, int maxLocalLedgers, LongSupplier pauseTime, Duration correctionDeadline) {
        this.redis = new RedisCommandsHolder(client, timeout, "Quota ledgers", pauseTime);
        this.scripts = new LuaScripts(redis);
        this.corrections = new PendingCorrections(correctionDeadline, this::send);
        this.fallback = new LocalQuotaLedgers(clock, safetyMargin, maxLocalLedgers);
        this.clock = clock;
        this.windowMillis = LocalQuotaLedgers.WINDOW.plus(safetyMargin).toMillis();
        this.prefix = prefix;
    }

    @Override
    public Mono<Admission> tryReserve(String group, String project, String model, QuotaLimits limits, long inputTokens) {
        Instant now = clock.instant();
        if (!limits.any()) {
            return Mono.just(new Admission.Granted(QuotaReservation.untracked(group, project, model, now, inputTokens)));
        }
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(now.toEpochMilli());
        LocalDate day = now.atZone(PacificDay.ZONE).toLocalDate();
        return Mono.defer(() -> {
            // The pair's waiting usage corrections travel with this admission: no round trip of their own.
            PendingCorrections.Batch riding = corrections.take(key(project, model));
            List<String> args = new ArrayList<>(9 + (riding == null ? 0 : riding.args.size()));
            Collections.addAll(args, Long.toString(now.toEpochMilli()), Long.toString(windowMillis),
                    limitArg(limits.rpm()), limitArg(limits.tpm()), limitArg(limits.rpd()), Long.toString(inputTokens),
                    id, Long.toString(Duration.between(now, PacificDay.nextMidnight(now)).toMillis()),
                    Long.toString(DAY_KEY_TTL.toMillis()));
            if (riding != null) {
                args.addAll(riding.args);
            }
            Mono<List<Long>> answer = scripts.run(QuotaScripts.ACQUIRE, ScriptOutputType.MULTI, keys(project, model, day),
                    args.toArray(String[]::new));
            return riding == null ? answer : answer.doFinally(signal -> riding.done());
        })
                .map(answer -> {
                    lastUsage.put(key(project, model), new long[] { answer.get(2), answer.get(3), answer.get(4) });
                    long verdict = answer.get(0);
                    if (verdict == 0) {
                        boolean dayCharged = limits.rpd() != QuotaLimits.NONE;
                        return (Admission) new Admission.Granted(new QuotaReservation(group, project, model, now,
                                dayCharged ? day : null, inputTokens, dayCharged, new Shared(id, limits.minuteLimited())));
                    }
                    long wait = answer.get(1);
                    QuotaMetric metric = verdict == 1 ? QuotaMetric.RPM : verdict == 2 ? QuotaMetric.TPM : QuotaMetric.RPD;
                    return new Admission.Denied(metric, wait < 0 ? null : Duration.ofMillis(wait));
                })
                .onErrorResume(unavailable -> fallback.tryReserve(group, project, model, limits, inputTokens));
    }

    @Override
    public Mono<Void> reconcile(QuotaReservation reservation, long realInputTokens) {
        if (reservation == null || realInputTokens < 0 || reservation.refunded()) {
            return Mono.empty();
        }
        if (!(reservation.entry() instanceof Shared shared)) {
            return fallback.reconcile(reservation, realInputTokens);
        }
        long estimated = reservation.swapTokens(realInputTokens);
        if (!shared.minuteCharged()) {
            return Mono.empty();
        }
        return Mono.defer(() -> corrections.add(key(reservation.project(), reservation.model()),
                keys(reservation.project(), reservation.model(), day(reservation)), shared.id(), realInputTokens,
                realInputTokens - estimated));
    }

    /** A batch of corrections nobody took with an admission in time (or full, or large): sent on its own. */
    private void send(String pair, PendingCorrections.Batch batch) {
        scripts.run(QuotaScripts.CORRECTIONS, ScriptOutputType.INTEGER, batch.keys, batch.args.toArray(String[]::new))
                .doFinally(signal -> batch.done())
                .subscribe(done -> {
                }, unavailable -> log.debug("Usage corrections not sent: " + unavailable));
    }

    @Override
    public Mono<Void> refund(QuotaReservation reservation) {
        if (reservation == null || !reservation.tracked()) {
            return Mono.empty();
        }
        if (!(reservation.entry() instanceof Shared shared)) {
            return fallback.refund(reservation);
        }
        if (!reservation.markRefunded()) {
            return Mono.empty();
        }
        return adjust(reservation, shared.minuteCharged() ? shared.id() : "", -1, reservation.dayCharged());
    }

    private Mono<Void> adjust(QuotaReservation reservation, String id, long tokens, boolean refundDay) {
        return scripts.run(QuotaScripts.ADJUST, ScriptOutputType.INTEGER,
                        keys(reservation.project(), reservation.model(), day(reservation)), id, Long.toString(tokens),
                        refundDay ? "1" : "0")
                .onErrorResume(unavailable -> Mono.empty()).then();
    }

    private static LocalDate day(QuotaReservation reservation) {
        return reservation.pacificDay() != null ? reservation.pacificDay()
                : reservation.at().atZone(PacificDay.ZONE).toLocalDate();
    }

    @Override
    public Mono<Void> exhaust(String project, String model, QuotaMetric metric, QuotaLimits limits) {
        if (metric != QuotaMetric.RPD || limits.rpd() == QuotaLimits.NONE || limits.rpd() == 0) {
            return Mono.empty();
        }
        LocalDate day = clock.instant().atZone(PacificDay.ZONE).toLocalDate();
        return scripts.run(QuotaScripts.EXHAUST_DAY, ScriptOutputType.INTEGER,
                        keys(project, model, day), Long.toString(limits.rpd()), Long.toString(DAY_KEY_TTL.toMillis()))
                .then()
                .onErrorResume(unavailable -> fallback.exhaust(project, model, metric, limits));
    }

    @Override
    public Mono<Duration> untilRoom(String project, String model, QuotaLimits limits, long inputTokens) {
        // Estimated from the usage counts: exact waits come with tryReserve; this one only orders cooling projects.
        if (limits.rpm() == 0 || limits.rpd() == 0 || (limits.tpm() != QuotaLimits.NONE && inputTokens > limits.tpm())) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        return usage(project, model, now)
                .map(used -> {
                    Headroom headroom = headroom(limits, used);
                    if (headroom.requestsToday() < 1) {
                        return Duration.between(now, PacificDay.nextMidnight(now));
                    }
                    boolean room = headroom.requestsThisMinute() >= 1 && headroom.tokensThisMinute() >= inputTokens;
                    return room ? Duration.ZERO : Duration.ofMillis(windowMillis);
                })
                .onErrorResume(unavailable -> fallback.untilRoom(project, model, limits, inputTokens));
    }

    /**
     * Usage read from Redis, except on a thread that must not wait (an event loop): there, the usage last seen,
     * which is at most one request old on a replica that serves the project.
     */
    @Override
    public Headroom headroom(String project, String model, QuotaLimits limits) {
        if (Schedulers.isInNonBlockingThread()) {
            long[] known = lastUsage.get(key(project, model));
            return known == null ? fallback.headroom(project, model, limits) : headroom(limits, known);
        }
        try {
            long[] used = usage(project, model, clock.instant()).block();
            return used == null ? fallback.headroom(project, model, limits) : headroom(limits, used);
        }
        catch (RuntimeException unavailable) {
            return fallback.headroom(project, model, limits);
        }
    }

    private Mono<long[]> usage(String project, String model, Instant now) {
        return scripts.<List<Long>>run(QuotaScripts.USAGE, ScriptOutputType.MULTI,
                        keys(project, model, now.atZone(PacificDay.ZONE).toLocalDate()), Long.toString(now.toEpochMilli()),
                        Long.toString(windowMillis))
                .map(counts -> {
                    long[] used = { counts.get(0), counts.get(1), counts.get(2) };
                    lastUsage.put(key(project, model), used);
                    return used;
                });
    }

    /** Read from Redis with the store's timeout; this replica's own counts when Redis cannot answer. */
    @Override
    public Mono<QuotaUsage> usage(String project, String model, QuotaLimits limits) {
        Instant now = clock.instant();
        return scripts.<List<Long>>run(QuotaScripts.WINDOW, ScriptOutputType.MULTI,
                        keys(project, model, now.atZone(PacificDay.ZONE).toLocalDate()), Long.toString(now.toEpochMilli()),
                        Long.toString(windowMillis))
                .map(counts -> {
                    long oldest = counts.get(3);
                    return new QuotaUsage(counts.get(0), counts.get(1), limits.rpd() == QuotaLimits.NONE ? 0 : counts.get(2),
                            oldest < 0 ? null : Instant.ofEpochMilli(oldest + windowMillis), kind());
                })
                .onErrorResume(unavailable -> fallback.usage(project, model, limits));
    }

    private static Headroom headroom(QuotaLimits limits, long[] used) {
        return new Headroom(remaining(limits.rpm(), used[0]), remaining(limits.tpm(), used[1]),
                remaining(limits.rpd(), used[2]));
    }

    private static long remaining(long limit, long used) {
        return limit == QuotaLimits.NONE ? limit : Math.max(0, limit - used);
    }

    @Override
    public Mono<Void> share(String project, String model, QuotaMetric metric, long value, Instant until) {
        return Mono.defer(() -> scripts.<Long>run(QuotaScripts.SHARE_LEARNED, ScriptOutputType.INTEGER,
                        new String[] { learnedKey() }, SharedLearnedLimits.field(project, model, metric),
                        Long.toString(value), Long.toString(until.toEpochMilli()), Long.toString(clock.millis())))
                .then()
                // Off the request path: a limit learned while Redis hiccups (or while this connection is still being
                // made) is shared once it answers, rather than kept by this replica alone.
                .retryWhen(Retry.fixedDelay(SHARE_RETRIES, SHARE_RETRY_DELAY))
                .onErrorResume(unavailable -> Mono.empty());
    }

    /** The learned limits of every replica, unexpired ones only: field → "limit@until". */
    Mono<Map<String, String>> learnedLimits() {
        return redis.call(commands -> commands.hgetall(learnedKey()).collectMap(KeyValue::getKey, KeyValue::getValue));
    }

    String learnedKey() {
        return RedisKeySchema.learnedLimits(prefix);
    }

    /** Deletes this prefix's keys (tests, an operator's reset): SCAN, so it is safe on a busy server. Blocks. */
    @Override
    public void reset() {
        fallback.reset();
        lastUsage.clear();
        redis.ready(RESET_WAIT).then(redis.deleteMatching(prefix + ":*")).block();
    }

    /** Completes once connected to Redis, or fails after {@code wait}; requests never wait for this. */
    Mono<Void> ready(Duration wait) {
        return redis.ready(wait);
    }

    @Override
    public String kind() {
        return "redis";
    }

    /** True while Redis fails and this replica decides on its own ledgers. */
    boolean degraded() {
        return redis.degraded();
    }

    /** Usage corrections not yet in Redis (tests). */
    int pendingCorrections() {
        return corrections.pairs();
    }

    @Override
    public void close() {
        try {
            corrections.flushAll().block(CLOSE_WAIT);
        }
        catch (RuntimeException late) {
            log.debug("Usage corrections not sent before closing: " + late);
        }
        redis.close();
    }

    private String[] keys(String project, String model, LocalDate day) {
        return RedisKeySchema.ledger(prefix, project, model, day);
    }

    private static String key(String project, String model) {
        return project + '\u0000' + model;
    }

    private static String limitArg(long limit) {
        return limit == QuotaLimits.NONE ? "-1" : Long.toString(limit);
    }
}
