package dev.geminigateway.quota;

import java.time.Instant;

/**
 * What a (project, model) has used of its limits now, as its ledger counts it, for the operator's headroom view.
 *
 * @param requestsThisMinute requests admitted in the sliding minute
 * @param tokensThisMinute input tokens admitted in the sliding minute
 * @param requestsToday requests counted today (Pacific); 0 when no day limit is known (nothing is counted then)
 * @param nextFreeAt when the oldest admission leaves the minute window, giving back its request and tokens; null
 *     when the window is empty
 * @param ledger where the figures come from: the ledgers' {@link QuotaLedgers#kind()}, or "local" when a shared
 *     ledger could not be asked and this replica's own counts answer
 */
public record QuotaUsage(long requestsThisMinute, long tokensThisMinute, long requestsToday, Instant nextFreeAt,
        String ledger) {
}
