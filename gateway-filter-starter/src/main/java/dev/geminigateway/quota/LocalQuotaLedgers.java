package dev.geminigateway.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bucket;
import reactor.core.publisher.Mono;

import dev.geminigateway.outcome.PacificDay;

/**
 * Ledgers of this process. Minute limits (RPM, TPM) are a {@link SlidingMinute} log; the day limit (RPD) is a
 * bucket4j bucket per Pacific date: a new date is a new, full bucket, so the reset is at midnight
 * America/Los_Angeles on 23- and 25-hour DST days too (a fixed 24-hour refill period would drift by an hour after
 * each change). Time comes from a {@link ClockTimeMeter} over the gateway's clock.
 */
public class LocalQuotaLedgers implements QuotaLedgers {

    /** Gemini's minute windows. */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    private final Clock clock;
    private final ClockTimeMeter time;
    private final long windowNanos;
    private final int maxLedgers;
    private final Map<String, ProjectLedger> ledgers = new ConcurrentHashMap<>();

    /**
     * @param safetyMargin added to the minute window: an admission leaves the gateway's window this much later than
     *     Gemini's, so that network delay and clock skew never make the gateway send into a window Gemini still sees
     *     as full
     * @param maxLedgers (project, model) pairs kept before idle ones are dropped (models come from requests)
     */
    public LocalQuotaLedgers(Clock clock, Duration safetyMargin, int maxLedgers) {
        this.clock = clock;
        this.time = new ClockTimeMeter(clock);
        this.windowNanos = WINDOW.plus(safetyMargin).toNanos();
        this.maxLedgers = maxLedgers;
    }

    @Override
    public Mono<Admission> tryReserve(String group, String project, String model, QuotaLimits limits, long inputTokens) {
        return Mono.fromSupplier(() -> reserve(group, project, model, limits, inputTokens));
    }

    /** {@link #tryReserve}, answered at once. */
    public Admission reserve(String group, String project, String model, QuotaLimits limits, long inputTokens) {
        Instant now = clock.instant();
        if (!limits.any()) {
            return new Admission.Granted(QuotaReservation.untracked(group, project, model, now, inputTokens));
        }
        long nanos = nanos(now);
        ProjectLedger ledger = ledger(project, model, nanos);
        SlidingMinute.Entry entry = null;
        if (limits.minuteLimited()) {
            entry = ledger.minute.tryAcquire(nanos, inputTokens, limits.rpm(), limits.tpm());
            if (entry == null) {
                long wait = ledger.minute.nanosUntilFits(nanos, inputTokens, limits.rpm(), limits.tpm());
                QuotaMetric metric = ledger.minute.requests(nanos) + 1 > limits.rpm() ? QuotaMetric.RPM : QuotaMetric.TPM;
                return new Admission.Denied(metric, wait == Long.MAX_VALUE ? null : Duration.ofNanos(wait));
            }
        }
        LocalDate day = null;
        if (limits.rpd() != QuotaLimits.NONE) {
            DayBucket bucket = limits.rpd() == 0 ? null : ledger.day(now, limits.rpd(), time);
            if (bucket == null || !bucket.bucket.tryConsume(1)) {
                if (entry != null) {
                    ledger.minute.refund(entry, nanos);
                }
                return new Admission.Denied(QuotaMetric.RPD,
                        bucket == null ? null : Duration.between(now, PacificDay.nextMidnight(now)));
            }
            day = bucket.day;
        }
        return new Admission.Granted(new QuotaReservation(group, project, model, now, day, inputTokens, day != null,
                entry));
    }

    @Override
    public Mono<Void> reconcile(QuotaReservation reservation, long realInputTokens) {
        return Mono.fromRunnable(() -> reconcileNow(reservation, realInputTokens));
    }

    private void reconcileNow(QuotaReservation reservation, long realInputTokens) {
        if (reservation == null || realInputTokens < 0 || reservation.refunded()) {
            return;
        }
        reservation.swapTokens(realInputTokens);
        if (reservation.entry instanceof SlidingMinute.Entry entry) {
            ProjectLedger ledger = ledgers.get(key(reservation.project(), reservation.model()));
            if (ledger != null) {
                ledger.minute.reconcile(entry, realInputTokens, nanos(clock.instant()));
            }
        }
    }

    @Override
    public Mono<Void> refund(QuotaReservation reservation) {
        return Mono.fromRunnable(() -> refundNow(reservation));
    }

    private void refundNow(QuotaReservation reservation) {
        if (reservation == null || !reservation.tracked() || !reservation.markRefunded()) {
            return;
        }
        ProjectLedger ledger = ledgers.get(key(reservation.project(), reservation.model()));
        if (ledger == null) {
            return;
        }
        if (reservation.entry instanceof SlidingMinute.Entry entry) {
            ledger.minute.refund(entry, nanos(clock.instant()));
        }
        if (reservation.dayCharged()) {
            ledger.refundDay(reservation.pacificDay());
        }
    }

    /**
     * Only RPD is taken here: for a minute limit the key-state store already cools the project until Gemini's
     * {@code retryDelay}, the moment its window frees, which is all a filled window would say.
     */
    @Override
    public Mono<Void> exhaust(String project, String model, QuotaMetric metric, QuotaLimits limits) {
        return Mono.fromRunnable(() -> exhaustNow(project, model, metric, limits));
    }

    private void exhaustNow(String project, String model, QuotaMetric metric, QuotaLimits limits) {
        if (metric != QuotaMetric.RPD || limits.rpd() == QuotaLimits.NONE || limits.rpd() == 0) {
            return;
        }
        Instant now = clock.instant();
        ledger(project, model, nanos(now)).day(now, limits.rpd(), time).bucket.tryConsumeAsMuchAsPossible();
    }

    @Override
    public Mono<Duration> untilRoom(String project, String model, QuotaLimits limits, long inputTokens) {
        return Mono.fromSupplier(() -> waitForRoom(project, model, limits, inputTokens));
    }

    /** {@link #untilRoom}, answered at once; null for never. */
    public Duration waitForRoom(String project, String model, QuotaLimits limits, long inputTokens) {
        if (!limits.any()) {
            return Duration.ZERO;
        }
        Instant now = clock.instant();
        long nanos = nanos(now);
        ProjectLedger ledger = ledgers.get(key(project, model));
        long wait = 0;
        if (limits.minuteLimited()) {
            wait = ledger == null ? (limits.rpm() == 0 || (limits.tpm() != QuotaLimits.NONE && inputTokens > limits.tpm())
                    ? Long.MAX_VALUE : 0) : ledger.minute.nanosUntilFits(nanos, inputTokens, limits.rpm(), limits.tpm());
        }
        if (wait == Long.MAX_VALUE) {
            return null;
        }
        Duration untilMinute = Duration.ofNanos(wait);
        if (limits.rpd() == QuotaLimits.NONE) {
            return untilMinute;
        }
        if (limits.rpd() == 0) {
            return null;
        }
        if (ledger != null && ledger.day(now, limits.rpd(), time).bucket.getAvailableTokens() < 1) {
            Duration untilMidnight = Duration.between(now, PacificDay.nextMidnight(now));
            return untilMidnight.compareTo(untilMinute) > 0 ? untilMidnight : untilMinute;
        }
        return untilMinute;
    }

    @Override
    public Headroom headroom(String project, String model, QuotaLimits limits) {
        Instant now = clock.instant();
        long nanos = nanos(now);
        ProjectLedger ledger = ledgers.get(key(project, model));
        long rpm = limits.rpm();
        long tpm = limits.tpm();
        long rpd = limits.rpd();
        if (ledger != null) {
            if (rpm != QuotaLimits.NONE) {
                rpm = Math.max(0, rpm - ledger.minute.requests(nanos));
            }
            if (tpm != QuotaLimits.NONE) {
                tpm = Math.max(0, tpm - ledger.minute.tokens(nanos));
            }
            if (rpd != QuotaLimits.NONE && rpd > 0) {
                rpd = ledger.day(now, rpd, time).bucket.getAvailableTokens();
            }
        }
        return new Headroom(rpm, tpm, rpd);
    }

    @Override
    public Mono<QuotaUsage> usage(String project, String model, QuotaLimits limits) {
        return Mono.fromSupplier(() -> usageNow(project, model, limits));
    }

    /** {@link #usage}, answered at once. */
    public QuotaUsage usageNow(String project, String model, QuotaLimits limits) {
        Instant now = clock.instant();
        long nanos = nanos(now);
        ProjectLedger ledger = ledgers.get(key(project, model));
        if (ledger == null) {
            return new QuotaUsage(0, 0, 0, null, kind());
        }
        long oldest = ledger.minute.oldest(nanos);
        Instant nextFree = oldest < 0 ? null : now.plusNanos(oldest + ledger.minute.windowNanos() - nanos);
        long today = 0;
        if (limits.rpd() != QuotaLimits.NONE && limits.rpd() > 0) {
            today = limits.rpd() - ledger.day(now, limits.rpd(), time).bucket.getAvailableTokens();
        }
        return new QuotaUsage(ledger.minute.requests(nanos), ledger.minute.tokens(nanos), today, nextFree, kind());
    }

    @Override
    public void reset() {
        ledgers.clear();
    }

    @Override
    public String kind() {
        return "local";
    }

    int size() {
        return ledgers.size();
    }

    private ProjectLedger ledger(String project, String model, long nanos) {
        String key = key(project, model);
        ProjectLedger ledger = ledgers.get(key);
        if (ledger != null) {
            return ledger;
        }
        if (ledgers.size() >= maxLedgers) {
            ledgers.values().removeIf(l -> l.idle(nanos));
        }
        return ledgers.computeIfAbsent(key, k -> new ProjectLedger(windowNanos));
    }

    private long nanos(Instant now) {
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String key(String project, String model) {
        return project + '\u0000' + model;
    }

    /** The ledgers of one (project, model). */
    private static final class ProjectLedger {

        final SlidingMinute minute;
        private DayBucket today;

        ProjectLedger(long windowNanos) {
            this.minute = new SlidingMinute(windowNanos);
        }

        /** Today's bucket; a new date or a changed limit gets a new one that keeps the count of today's requests. */
        synchronized DayBucket day(Instant now, long limit, ClockTimeMeter time) {
            LocalDate date = now.atZone(PacificDay.ZONE).toLocalDate();
            DayBucket current = today;
            if (current == null || !current.day.equals(date)) {
                today = new DayBucket(date, limit, limit, time);
            }
            else if (current.limit != limit) {
                long used = current.limit - current.bucket.getAvailableTokens();
                today = new DayBucket(date, limit, Math.max(0, limit - used), time);
            }
            return today;
        }

        synchronized void refundDay(LocalDate date) {
            if (today != null && today.day.equals(date)) {
                today.bucket.addTokens(1);
            }
        }

        synchronized boolean idle(long nanos) {
            return minute.idle(nanos) && (today == null || today.bucket.getAvailableTokens() == today.limit);
        }
    }

    /**
     * RPD of one Pacific date: capacity {@code limit} that does not refill within the date (the refill period is
     * longer than any day; the next date starts a new bucket).
     */
    private static final class DayBucket {

        final LocalDate day;
        final long limit;
        final Bucket bucket;

        DayBucket(LocalDate day, long limit, long initialTokens, ClockTimeMeter time) {
            this.day = day;
            this.limit = limit;
            this.bucket = Bucket.builder()
                    .addLimit(l -> l.capacity(limit).refillIntervally(limit, Duration.ofDays(2)).initialTokens(initialTokens))
                    .withCustomTimePrecision(time)
                    .build();
        }
    }
}
