package dev.geminigateway.simulator.state;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.geminigateway.simulator.Quota;

/**
 * Quotas per (project, model), looked up most specific first: (project, model), (project, "*"), ("*", model),
 * ("*", "*"), else unlimited. Usage is always kept per concrete (project, model), as Gemini does (wire 3).
 */
public final class QuotaBook {

    public static final String ANY = "*";

    private final Map<String, Quota> limits = new ConcurrentHashMap<>();
    private final Map<String, UsageWindow> usage = new ConcurrentHashMap<>();

    public void set(String project, String model, Quota quota) {
        limits.put(id(project, model), quota);
    }

    public Quota limitFor(String project, String model) {
        Quota q = limits.get(id(project, model));
        if (q == null) q = limits.get(id(project, ANY));
        if (q == null) q = limits.get(id(ANY, model));
        if (q == null) q = limits.get(id(ANY, ANY));
        return q == null ? Quota.unlimited() : q;
    }

    /** Admits and records the request, or returns what it would exceed (nothing recorded then). */
    public List<QuotaViolation> tryAcquire(String project, String model, long inputTokens, long nowEpochMillis) {
        Quota quota = limitFor(project, model);
        return usage.computeIfAbsent(id(project, model), k -> new UsageWindow())
                .tryAcquire(nowEpochMillis, inputTokens, quota);
    }

    public Map<String, Quota> snapshot() {
        return Map.copyOf(limits);
    }

    /** Forgets usage only (limits stay): e.g. after the clock was moved. */
    public void clearUsage() {
        usage.clear();
    }

    public void clear() {
        limits.clear();
        usage.clear();
    }

    private static String id(String project, String model) {
        return project + '\u0000' + model;
    }
}
