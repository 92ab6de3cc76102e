package dev.geminigateway.rotation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The pool-level breaker (ARCHITECTURE.md §4, the CAPACITY row): when several keys of one group answer a bare 429 (shared
 * capacity, IP-level throttling) within a few seconds, rotating further only burns keys. The group is then
 * "throttled" for a short time: no rotation on capacity 429s, and no key is penalised.
 */
public class PoolThrottle {

    private final int threshold;
    private final Duration window;
    private final Duration hold;
    private final Clock clock;
    private final Map<String, ConcurrentLinkedDeque<Instant>> recent = new ConcurrentHashMap<>();
    private final Map<String, Instant> throttledUntil = new ConcurrentHashMap<>();

    public PoolThrottle(int threshold, Duration window, Duration hold, Clock clock) {
        this.threshold = threshold;
        this.window = window;
        this.hold = hold;
        this.clock = clock;
    }

    public void onCapacityLimited(String group) {
        Instant now = clock.instant();
        ConcurrentLinkedDeque<Instant> events = recent.computeIfAbsent(group, g -> new ConcurrentLinkedDeque<>());
        events.addLast(now);
        Instant horizon = now.minus(window);
        while (true) {
            Instant first = events.peekFirst();
            if (first == null || !first.isBefore(horizon)) {
                break;
            }
            events.pollFirst();
        }
        if (events.size() >= threshold) {
            throttledUntil.put(group, now.plus(hold));
            events.clear();
        }
    }

    /** When the group's throttle ends, or null when it is not throttled. */
    public Instant throttledUntil(String group) {
        Instant until = throttledUntil.get(group);
        return until != null && clock.instant().isBefore(until) ? until : null;
    }
}
