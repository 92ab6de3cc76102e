package dev.geminigateway.simulator.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import dev.geminigateway.simulator.RecordedRequest;

/** The most recent requests, bounded: the oldest is dropped past the limit. */
public final class RequestRecorder {

    private final ConcurrentLinkedDeque<RecordedRequest> requests = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int limit;

    public RequestRecorder(int limit) {
        this.limit = Math.max(0, limit);
    }

    public void record(RecordedRequest request) {
        if (limit == 0) return;
        requests.addLast(request);
        if (size.incrementAndGet() > limit && requests.pollFirst() != null) {
            size.decrementAndGet();
        }
    }

    /** Oldest first. */
    public List<RecordedRequest> snapshot() {
        return new ArrayList<>(requests);
    }

    public void clear() {
        requests.clear();
        size.set(0);
    }
}
