package dev.geminigateway.quota;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where each group's limits come from: the limits it declares ({@code groups.<g>.quotas}, by model or {@code *}),
 * and, for what it does not declare, Google's published limits for its {@code tier}. {@link #configured()} is the
 * merged table {@link QuotaPolicy} enforces; limits learned from Gemini's 429s lower it there. {@link #inForce}
 * says, limit by limit, which of the three is in force for a (project, model).
 */
public class QuotaLimitSources {

    private final Map<String, Map<String, QuotaLimits>> declared;
    private final Map<String, GeminiTier> tiers;
    private final TierPresets presets;

    /**
     * @param declared group → model (or {@code *}) → declared limits
     * @param tiers group → its tier, for groups that name one
     */
    public QuotaLimitSources(Map<String, Map<String, QuotaLimits>> declared, Map<String, GeminiTier> tiers,
            TierPresets presets) {
        this.declared = Map.copyOf(declared);
        this.tiers = Map.copyOf(tiers);
        this.presets = presets;
    }

    /** A limit in force and where it comes from; both null when no limit is known. */
    public record InForce(Long limit, LimitSource source) {
    }

    /**
     * Group → model → limits: the declared ones, and for each model of the group's tier the declared limits (the
     * model's own, else {@code *}) with the preset filling those left undeclared.
     */
    public Map<String, Map<String, QuotaLimits>> configured() {
        Map<String, Map<String, QuotaLimits>> configured = new HashMap<>();
        declared.forEach((group, byModel) -> configured.put(group, new HashMap<>(byModel)));
        tiers.forEach((group, tier) -> {
            Map<String, QuotaLimits> byModel = configured.computeIfAbsent(group, g -> new HashMap<>());
            presets.models(tier).forEach((model, preset) -> byModel.put(model, declared(group, model).orElse(preset)));
        });
        return configured;
    }

    public GeminiTier tier(String group) {
        return tiers.get(group);
    }

    public TierPresets presets() {
        return presets;
    }

    /** Models the group has limits for before anything is learned: declared ones ({@code *} included) and presets. */
    public Set<String> models(String group) {
        Set<String> models = new TreeSet<>(declared.getOrDefault(group, Map.of()).keySet());
        GeminiTier tier = tiers.get(group);
        if (tier != null) {
            models.addAll(presets.models(tier).keySet());
        }
        return models;
    }

    /** Each limit of (project, model) in {@code group} that {@code policy} enforces now, with its source. */
    public Map<QuotaMetric, InForce> inForce(String group, String project, String model, QuotaPolicy policy) {
        QuotaLimits own = declared(group, model);
        GeminiTier tier = tiers.get(group);
        QuotaLimits preset = tier == null ? QuotaLimits.UNKNOWN : presets.limits(tier, model);
        QuotaLimits learned = policy.learned(project, model);
        QuotaLimits enforced = policy.limits(group, project, model);
        Map<QuotaMetric, InForce> view = new LinkedHashMap<>();
        for (QuotaMetric metric : QuotaMetric.values()) {
            long value = enforced.get(metric);
            long configured = own.get(metric) != QuotaLimits.NONE ? own.get(metric) : preset.get(metric);
            LimitSource source = learned.get(metric) < configured ? LimitSource.LEARNED
                    : own.get(metric) != QuotaLimits.NONE ? LimitSource.DECLARED
                    : preset.get(metric) != QuotaLimits.NONE ? LimitSource.TIER_PRESET : null;
            view.put(metric, value == QuotaLimits.NONE ? new InForce(null, null) : new InForce(value, source));
        }
        return view;
    }

    /** As {@link QuotaPolicy#configured} reads declared limits: the model's own entry, else {@code *}. */
    private QuotaLimits declared(String group, String model) {
        Map<String, QuotaLimits> byModel = declared.getOrDefault(group, Map.of());
        QuotaLimits limits = byModel.get(model);
        return limits != null ? limits : byModel.getOrDefault(QuotaPolicy.ANY_MODEL, QuotaLimits.UNKNOWN);
    }
}
