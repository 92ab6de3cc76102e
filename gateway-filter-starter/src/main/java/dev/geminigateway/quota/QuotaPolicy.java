package dev.geminigateway.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.geminigateway.outcome.PacificDay;

/**
 * Which limits apply to a (project, model): the configured ones of the key's group ({@code quotas} by model, with a
 * {@code *} default), made stricter by what Gemini's own 429s said ({@code quotaValue}). A learned limit is
 * authoritative (ARCHITECTURE.md §8.3: the docs publish no numbers any more), so it replaces a larger configured one;
 * it never raises a configured one, which an operator may set lower on purpose. A learned limit lasts until the
 * next midnight Pacific time: after a tier upgrade Gemini only reports the higher limit if it is asked past the old
 * one, so the gateway re-learns at most once a day per (project, model).
 */
public class QuotaPolicy {

    public static final String ANY_MODEL = "*";

    private final Map<String, Map<String, QuotaLimits>> configured;
    private final Map<String, Learned> learned = new ConcurrentHashMap<>();
    private final Clock clock;

    /** @param configured group → model (or {@code *}) → limits */
    public QuotaPolicy(Map<String, Map<String, QuotaLimits>> configured) {
        this(configured, Clock.systemUTC());
    }

    public QuotaPolicy(Map<String, Map<String, QuotaLimits>> configured, Clock clock) {
        this.configured = Map.copyOf(configured);
        this.clock = clock;
    }

    private record Learned(QuotaLimits limits, Instant until) {
    }

    public static QuotaPolicy none() {
        return new QuotaPolicy(Map.of());
    }

    /** Not cached: model names come from requests, and the lookups are two small map reads. */
    public QuotaLimits limits(String group, String project, String model) {
        QuotaLimits limits = configured(group, model);
        QuotaLimits fromGemini = learned.isEmpty() ? QuotaLimits.UNKNOWN : learned(project, model);
        return fromGemini == QuotaLimits.UNKNOWN ? limits : limits.min(fromGemini);
    }

    public QuotaLimits configured(String group, String model) {
        Map<String, QuotaLimits> byModel = configured.getOrDefault(group, Map.of());
        QuotaLimits limits = byModel.get(model);
        return limits != null ? limits : byModel.getOrDefault(ANY_MODEL, QuotaLimits.UNKNOWN);
    }

    /**
     * Records a limit Gemini stated in a 429. {@code quotaValue "0"} (model not on the tier) is not learned: the
     * key-state store already takes the project out for that model, and a tier upgrade must be able to end it.
     *
     * @return true when this changed a limit
     */
    public boolean learn(String project, String model, QuotaMetric metric, long value) {
        return learn(project, model, metric, value, PacificDay.nextMidnight(clock.instant()));
    }

    /** As {@link #learn(String, String, QuotaMetric, long)}, until a given moment (a limit another replica learned). */
    public boolean learn(String project, String model, QuotaMetric metric, long value, Instant until) {
        if (value <= 0 || !clock.instant().isBefore(until)) {
            return false;
        }
        QuotaLimits before = learned(project, model);
        QuotaLimits after = learned.merge(key(project, model), new Learned(QuotaLimits.UNKNOWN.with(metric, value), until),
                (old, fresh) -> new Learned(current(old).with(metric, value), until)).limits();
        return !after.equals(before);
    }

    /** The learned limits of (project, model), {@link QuotaLimits#UNKNOWN} if none. */
    public QuotaLimits learned(String project, String model) {
        Learned entry = learned.get(key(project, model));
        return entry == null ? QuotaLimits.UNKNOWN : current(entry);
    }

    /** Models with a limit learned for {@code project} that has not expired yet. */
    public Set<String> learnedModels(String project) {
        String prefix = key(project, "");
        return learned.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith(prefix) && current(entry.getValue()) != QuotaLimits.UNKNOWN)
                .map(entry -> entry.getKey().substring(prefix.length()))
                .collect(Collectors.toSet());
    }

    private QuotaLimits current(Learned entry) {
        return clock.instant().isBefore(entry.until()) ? entry.limits() : QuotaLimits.UNKNOWN;
    }

    /** True when some group declares a limit, so that unconfigured deployments skip the ledgers entirely. */
    public boolean anyConfigured() {
        return configured.values().stream().flatMap(m -> m.values().stream()).anyMatch(QuotaLimits::any);
    }

    public void forgetLearned() {
        learned.clear();
    }

    private static String key(String project, String model) {
        return project + '\u0000' + model;
    }
}
