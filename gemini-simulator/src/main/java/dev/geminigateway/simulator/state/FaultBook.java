package dev.geminigateway.simulator.state;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.geminigateway.simulator.Fault;

/**
 * Active faults in the order they were added. For each request: every matching latency fault adds its delay;
 * the first matching status / bare 429 / reset / error fault replaces the answer; otherwise, on a stream, the first
 * matching mid-stream fault cuts it, and the first matching shaping fault reshapes the success. A fault's {@code times} is only used up when it fires.
 */
public final class FaultBook {

    private static final class Active {
        final Fault fault;
        final AtomicInteger remaining;

        Active(Fault fault) {
            this.fault = fault;
            this.remaining = new AtomicInteger(fault.times());
        }

        boolean matches(String key, String project, String model, boolean streaming) {
            if (fault.key() != null && !fault.key().equals(key)) return false;
            if (fault.project() != null && !fault.project().equals(project)) return false;
            if (fault.model() != null && !fault.model().equals(model)) return false;
            if (fault.kind() == Fault.Kind.MID_STREAM_ERROR && !streaming) return false;
            return fault.probability() >= 1.0 || ThreadLocalRandom.current().nextDouble() < fault.probability();
        }

        /** Uses up one of the fault's times; false when none was left (another request took the last). */
        boolean claim() {
            if (fault.times() == Fault.UNLIMITED) return true;
            return remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
        }

        boolean exhausted() {
            return fault.times() != Fault.UNLIMITED && remaining.get() <= 0;
        }
    }

    private final List<Active> faults = new CopyOnWriteArrayList<>();

    public void add(Fault fault) {
        faults.add(new Active(fault));
    }

    public void clear() {
        faults.clear();
    }

    public List<Fault> active() {
        return faults.stream().filter(a -> !a.exhausted()).map(a -> a.fault).toList();
    }

    public FaultPlan plan(String key, String project, String model, boolean streaming) {
        if (faults.isEmpty()) {
            return FaultPlan.NONE;
        }
        Duration latency = Duration.ZERO;
        Fault terminal = null;
        for (Active active : faults) {
            Fault.Kind kind = active.fault.kind();
            if (kind == Fault.Kind.MID_STREAM_ERROR || kind.shapesAnswer()
                    || (kind != Fault.Kind.LATENCY && terminal != null)) {
                continue;
            }
            if (!active.exhausted() && active.matches(key, project, model, streaming) && active.claim()) {
                if (kind == Fault.Kind.LATENCY) {
                    latency = latency.plus(active.fault.latency());
                } else {
                    terminal = active.fault;
                }
            }
        }
        Fault midStream = null;
        Fault shape = null;
        if (terminal == null) {
            midStream = streaming ? first(f -> f.kind() == Fault.Kind.MID_STREAM_ERROR, key, project, model, true) : null;
            shape = first(f -> f.kind().shapesAnswer(), key, project, model, streaming);
        }
        faults.removeIf(Active::exhausted);
        return new FaultPlan(latency, terminal, midStream, shape);
    }

    private Fault first(java.util.function.Predicate<Fault> kind, String key, String project, String model,
                        boolean streaming) {
        for (Active active : faults) {
            if (kind.test(active.fault) && !active.exhausted() && active.matches(key, project, model, streaming)
                    && active.claim()) {
                return active.fault;
            }
        }
        return null;
    }
}
