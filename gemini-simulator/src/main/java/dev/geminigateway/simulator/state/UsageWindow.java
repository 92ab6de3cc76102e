package dev.geminigateway.simulator.state;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import dev.geminigateway.simulator.Quota;

/**
 * Usage of one (project, model): a sliding 60-second window of admitted requests with their input tokens, and a
 * day counter that resets at midnight America/Los_Angeles (wire 3), all in simulated epoch milliseconds.
 * Sliding rather than fixed minutes: a request is admitted when fewer than RPM requests (and at most TPM tokens,
 * this one included) were admitted in the 60 s before it, so retryDelay is exact: when the oldest entry leaves.
 * Rejected requests are not counted. Synchronized per window: the critical section is a few deque operations.
 */
final class UsageWindow {

    static final long WINDOW_MILLIS = 60_000;
    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    private record Entry(long at, long tokens) {}

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long tokensInWindow;
    private long day = Long.MIN_VALUE;
    private long requestsToday;

    synchronized List<QuotaViolation> tryAcquire(long now, long tokens, Quota quota) {
        evict(now);
        ZonedDateTime pacificNow = Instant.ofEpochMilli(now).atZone(PACIFIC);
        long today = pacificNow.toLocalDate().toEpochDay();
        if (today != day) {
            day = today;
            requestsToday = 0;
        }
        List<QuotaViolation> violations = new ArrayList<>(1);
        if (requestsToday >= quota.rpd()) {
            LocalDate tomorrow = pacificNow.toLocalDate().plusDays(1);
            long midnight = tomorrow.atStartOfDay(PACIFIC).toInstant().toEpochMilli();
            violations.add(new QuotaViolation(QuotaMetric.REQUESTS_PER_DAY, quota.rpd(),
                    Duration.ofMillis(midnight - now)));
        }
        if (entries.size() >= quota.rpm()) {
            violations.add(new QuotaViolation(QuotaMetric.REQUESTS_PER_MINUTE, quota.rpm(),
                    untilFreed(now, entries.size() - quota.rpm() + 1, Long.MAX_VALUE)));
        }
        if (tokensInWindow + tokens > quota.tpm()) {
            violations.add(new QuotaViolation(QuotaMetric.INPUT_TOKENS_PER_MINUTE, quota.tpm(),
                    untilFreed(now, Integer.MAX_VALUE, tokensInWindow + tokens - quota.tpm())));
        }
        if (violations.isEmpty()) {
            requestsToday++;
            if (quota.rpm() != Integer.MAX_VALUE || quota.tpm() != Long.MAX_VALUE) {
                entries.addLast(new Entry(now, tokens));
                tokensInWindow += tokens;
            }
        }
        return violations;
    }

    /** Simulated time until {@code requests} entries or {@code tokens} tokens have left the window. */
    private Duration untilFreed(long now, int requests, long tokens) {
        int freedRequests = 0;
        long freedTokens = 0;
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            freedRequests++;
            freedTokens += e.tokens;
            if (freedRequests >= requests || freedTokens >= tokens) {
                return Duration.ofMillis(Math.max(1, e.at + WINDOW_MILLIS - now));
            }
        }
        // the limit is 0, or the request alone is larger than the limit: no wait makes it fit; say one window
        return Duration.ofMillis(WINDOW_MILLIS);
    }

    private void evict(long now) {
        while (!entries.isEmpty() && entries.peekFirst().at <= now - WINDOW_MILLIS) {
            tokensInWindow -= entries.pollFirst().tokens;
        }
    }
}
