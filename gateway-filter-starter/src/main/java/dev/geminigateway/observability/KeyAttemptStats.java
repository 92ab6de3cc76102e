package dev.geminigateway.observability;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.outcome.OutcomeKind;

/**
 * Upstream attempts per key and outcome since start, for the admin view. Kept apart from the meter registry, so the
 * admin view shows every key even when {@code key} tags are turned off for cardinality; bounded by the number of
 * keys (entries of removed keys are dropped with {@link #forget}).
 */
public class KeyAttemptStats {

    private final Map<String, Entry> byKey = new ConcurrentHashMap<>();

    public void record(AttemptRecord attempt, Instant at) {
        Entry entry = byKey.computeIfAbsent(attempt.key().id(), id -> new Entry());
        entry.counts.get(attempt.outcome().kind()).increment();
        if (attempt.outcome().kind() != OutcomeKind.SUCCESS) {
            entry.lastError = new LastError(at, attempt.outcome().kind(), attempt.outcome().reason());
        }
    }

    /** Attempts of this key by outcome (lower-case outcome names); only outcomes seen at least once. */
    public Map<String, Long> counts(String keyId) {
        Entry entry = byKey.get(keyId);
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        if (entry != null) {
            entry.counts.forEach((kind, adder) -> {
                long n = adder.sum();
                if (n > 0) {
                    counts.put(GatewayMetrics.outcomeTag(kind), n);
                }
            });
        }
        return counts;
    }

    /** Attempts of this key that did not succeed. */
    public long errors(String keyId) {
        Entry entry = byKey.get(keyId);
        if (entry == null) {
            return 0;
        }
        long errors = 0;
        for (Map.Entry<OutcomeKind, LongAdder> e : entry.counts.entrySet()) {
            if (e.getKey() != OutcomeKind.SUCCESS) {
                errors += e.getValue().sum();
            }
        }
        return errors;
    }

    public LastError lastError(String keyId) {
        Entry entry = byKey.get(keyId);
        return entry == null ? null : entry.lastError;
    }

    public void forget(String keyId) {
        byKey.remove(keyId);
    }

    /** The most recent failed attempt of a key: when, what, and Gemini's reason (never a key). */
    public record LastError(Instant at, OutcomeKind outcome, String reason) {
    }

    private static final class Entry {
        final Map<OutcomeKind, LongAdder> counts = new EnumMap<>(OutcomeKind.class);
        volatile LastError lastError;

        Entry() {
            for (OutcomeKind kind : OutcomeKind.values()) {
                counts.put(kind, new LongAdder());
            }
        }
    }
}
