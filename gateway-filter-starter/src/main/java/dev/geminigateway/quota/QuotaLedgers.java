package dev.geminigateway.quota;

/**
 * Usage of each (project, model) against its RPM, TPM and RPD limits. Gemini counts quota per project and model
 * (gemini-wire.md 3), so all keys of a project share one ledger. {@link LocalQuotaLedgers} keeps them in this
 * process; a shared implementation (Redis, bucket4j's Lettuce proxy manager for the day buckets) keeps the same
 * contract for several replicas.
 */
public interface QuotaLedgers {

    /**
     * Reserves one request and {@code inputTokens} tokens when every known limit has room, atomically per limit.
     * Limits equal to {@link QuotaLimits#NONE} are not counted.
     */
    Admission tryReserve(String group, String project, String model, QuotaLimits limits, long inputTokens);

    /**
     * Corrects the tokens charged by {@code reservation} to the real input usage Gemini reported
     * ({@code promptTokenCount} / {@code prompt_tokens}): a refund when the estimate was high, an extra charge when
     * it was low. A reservation already out of its minute window changes nothing (Gemini counted it back then).
     */
    void reconcile(QuotaReservation reservation, long realInputTokens);

    /** Gives back everything {@code reservation} holds: the attempt never counted at Gemini. Idempotent. */
    void refund(QuotaReservation reservation);

    /**
     * Gemini said (project, model) is at its limit for {@code metric} now: the ledger takes what is left of the
     * current window, so that it agrees with Gemini even when someone else used the project too.
     */
    void exhaust(String project, String model, QuotaMetric metric, QuotaLimits limits);

    /**
     * How long until (project, model) would have room for one request of {@code inputTokens}, without reserving:
     * zero when it has room now, null when it never will (the request alone is larger than a limit).
     */
    java.time.Duration untilRoom(String project, String model, QuotaLimits limits, long inputTokens);

    Headroom headroom(String project, String model, QuotaLimits limits);

    /** Forgets all usage (an operator's reset; tests). */
    void reset();

    /** "local", "redis", ... */
    String kind();
}
