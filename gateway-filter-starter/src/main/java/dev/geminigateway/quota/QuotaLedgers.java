package dev.geminigateway.quota;

import java.time.Duration;
import java.time.Instant;

import reactor.core.publisher.Mono;

/**
 * Usage of each (project, model) against its RPM, TPM and RPD limits. Gemini counts quota per project and model
 * (ARCHITECTURE.md §8.3), so all keys of a project share one ledger. {@link LocalQuotaLedgers} keeps them in this
 * process; {@link RedisQuotaLedgers} keeps the same contract for several
 * replicas.
 * <p>
 * Every call that may reach a shared store is a {@link Mono}: a caller on an event loop never waits for it.
 * Implementations never fail these Monos for a store outage; they decide on local state instead.
 */
public interface QuotaLedgers {

    /**
     * Reserves one request and {@code inputTokens} tokens when every known limit has room, atomically per limit.
     * Limits equal to {@link QuotaLimits#NONE} are not counted.
     */
    Mono<Admission> tryReserve(String group, String project, String model, QuotaLimits limits, long inputTokens);

    /**
     * Corrects the tokens charged by {@code reservation} to the real input usage Gemini reported
     * ({@code promptTokenCount} / {@code prompt_tokens}): a refund when the estimate was high, an extra charge when
     * it was low. A reservation already out of its minute window changes nothing (Gemini counted it back then).
     */
    Mono<Void> reconcile(QuotaReservation reservation, long realInputTokens);

    /** Gives back everything {@code reservation} holds: the attempt never counted at Gemini. Idempotent. */
    Mono<Void> refund(QuotaReservation reservation);

    /**
     * Gemini said (project, model) is at its limit for {@code metric} now: the ledger takes what is left of the
     * current window, so that it agrees with Gemini even when someone else used the project too.
     */
    Mono<Void> exhaust(String project, String model, QuotaMetric metric, QuotaLimits limits);

    /**
     * How long until (project, model) would have room for one request of {@code inputTokens}, without reserving:
     * zero when it has room now, empty when it never will (the request alone is larger than a limit).
     */
    Mono<Duration> untilRoom(String project, String model, QuotaLimits limits, long inputTokens);

    /** What is left now; never waits on an event loop (a shared store answers from what it saw last). */
    Headroom headroom(String project, String model, QuotaLimits limits);

    /**
     * What (project, model) has used of {@code limits} now, for operators. A shared store is asked (with the
     * store's timeout); when it cannot answer, this replica's own counts do, and say so in
     * {@link QuotaUsage#ledger()}. Empty when the ledgers cannot tell.
     */
    default Mono<QuotaUsage> usage(String project, String model, QuotaLimits limits) {
        return Mono.empty();
    }

    /**
     * Shares a limit Gemini stated in a 429 with the other replicas, until {@code until}; ledgers of one process
     * have no one to tell.
     */
    default Mono<Void> share(String project, String model, QuotaMetric metric, long value, Instant until) {
        return Mono.empty();
    }

    /** Forgets all usage (an operator's reset; tests). */
    void reset();

    /** "local", "redis", ... */
    String kind();
}
