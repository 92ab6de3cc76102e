package dev.geminigateway.quota;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Requests and input tokens of one (project, model) admitted in the last minute, as a log of admissions: a
 * request fits when fewer than RPM requests, and at most TPM tokens with its own, were admitted in the window
 * before it. This is how Gemini's minute limits behave (a sliding minute; the simulator implements the same), so
 * the wait it computes is exact: the moment the oldest entries that must leave have left.
 * <p>
 * Why not a token bucket: a bucket of capacity L refilled at L per minute admits up to 2L requests in some
 * 60-second window (a full bucket's burst plus a minute of refill), and a bucket that cannot exceed L in any window
 * must give up capacity. Under Poisson load at 95 % of the limit the first sends about 76 requests per 1,000 that a
 * sliding minute rejects (docs/BENCHMARKS.md, "Quota scheduling"). The log costs one small object per admitted
 * request for one minute, i.e. at most the RPM limit.
 * <p>
 * Synchronized per (project, model): the critical section is a few deque operations.
 */
final class SlidingMinute {

    /** One admission. Refunds and reconciliation change it in place while it is in the window. */
    static final class Entry {
        final long at;
        long tokens;
        boolean refunded;

        Entry(long at, long tokens) {
            this.at = at;
            this.tokens = tokens;
        }
    }

    private final long windowNanos;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long requests;
    private long tokens;

    SlidingMinute(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Admits and returns the new entry, or returns null when RPM or TPM has no room. */
    synchronized Entry tryAcquire(long now, long requestTokens, long rpm, long tpm) {
        evict(now);
        if (requests + 1 > rpm || (tpm != QuotaLimits.NONE && tokens + requestTokens > tpm)) {
            return null;
        }
        Entry entry = new Entry(now, requestTokens);
        entries.addLast(entry);
        requests++;
        tokens += requestTokens;
        return entry;
    }

    /**
     * Nanoseconds until a request of {@code requestTokens} would fit, or {@code Long.MAX_VALUE} when it never will
     * (it alone is larger than the TPM limit, or a limit is 0).
     */
    synchronized long nanosUntilFits(long now, long requestTokens, long rpm, long tpm) {
        evict(now);
        if (rpm == 0 || (tpm != QuotaLimits.NONE && requestTokens > tpm)) {
            return Long.MAX_VALUE;
        }
        long requestsToFree = Math.max(0, requests + 1 - rpm);
        long tokensToFree = tpm == QuotaLimits.NONE ? 0 : Math.max(0, tokens + requestTokens - tpm);
        if (requestsToFree == 0 && tokensToFree == 0) {
            return 0;
        }
        long freedRequests = 0;
        long freedTokens = 0;
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.refunded) {
                continue;
            }
            freedRequests++;
            freedTokens += e.tokens;
            if (freedRequests >= requestsToFree && freedTokens >= tokensToFree) {
                return Math.max(1, e.at + windowNanos - now);
            }
        }
        return Long.MAX_VALUE;
    }

    synchronized void refund(Entry entry, long now) {
        evict(now);
        if (!entry.refunded && inWindow(entry, now)) {
            entry.refunded = true;
            requests--;
            tokens -= entry.tokens;
        }
    }

    /** Replaces the entry's tokens by {@code real} while it is still in the window. */
    synchronized void reconcile(Entry entry, long real, long now) {
        evict(now);
        if (!entry.refunded && inWindow(entry, now)) {
            tokens += real - entry.tokens;
        }
        entry.tokens = real;
    }

    synchronized long requests(long now) {
        evict(now);
        return requests;
    }

    synchronized long tokens(long now) {
        evict(now);
        return tokens;
    }

    /** When the oldest admission still counted entered the window, or -1 when none is. */
    synchronized long oldest(long now) {
        evict(now);
        for (Entry e : entries) {
            if (!e.refunded) {
                return e.at;
            }
        }
        return -1;
    }

    long windowNanos() {
        return windowNanos;
    }

    synchronized boolean idle(long now) {
        evict(now);
        return entries.isEmpty();
    }

    private boolean inWindow(Entry entry, long now) {
        return entry.at > now - windowNanos;
    }

    private void evict(long now) {
        while (!entries.isEmpty() && entries.peekFirst().at <= now - windowNanos) {
            Entry e = entries.pollFirst();
            if (!e.refunded) {
                requests--;
                tokens -= e.tokens;
            }
        }
    }
}
