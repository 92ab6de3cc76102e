package dev.geminigateway.bench.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The moments Gemini (the simulator) accepted a request, per project, as sent by the gateway. From them and
 * Gemini's rule (at most RPM accepted in any 60 s) follows the true moment a project has room again, which a
 * gateway's Retry-After is checked against.
 */
final class AdmissionLog {

    private static final long WINDOW = 60_000_000_000L;

    private final Map<String, List<Long>> byProject = new ConcurrentHashMap<>();

    void admitted(String project, long nanoTime) {
        List<Long> list = byProject.computeIfAbsent(project, p -> new ArrayList<>());
        synchronized (list) {
            list.add(nanoTime);
        }
    }

    /** Nanoseconds from {@code at} until some project may send again under a limit of {@code rpm}. */
    long nanosUntilRoom(long at, long rpm, int projects) {
        long best = Long.MAX_VALUE;
        if (byProject.size() < projects) {
            return 0;
        }
        for (List<Long> list : byProject.values()) {
            List<Long> window = new ArrayList<>();
            synchronized (list) {
                for (long t : list) {
                    if (t > at - WINDOW && t <= at) {
                        window.add(t);
                    }
                }
            }
            window.sort(null);
            if (window.size() < rpm) {
                return 0;
            }
            long frees = window.get((int) (window.size() - rpm)) + WINDOW - at;
            best = Math.min(best, frees);
        }
        return Math.max(0, best);
    }
}
