package dev.geminigateway.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.quota.GeminiTier;
import dev.geminigateway.quota.QuotaLimitSources;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaPolicy;

/**
 * The limits the gateway enforces, per group, project and model, each with its source (declared, tier preset,
 * learned), for the models the group has limits for (declared, its tier's presets, learned from Gemini's 429s).
 * Projects and models only: no key appears.
 */
public class QuotaLimitViews {

    private final KeyRegistry registry;
    private final QuotaLimitSources sources;
    private final QuotaPolicy policy;

    public QuotaLimitViews(KeyRegistry registry, QuotaLimitSources sources, QuotaPolicy policy) {
        this.registry = registry;
        this.sources = sources;
        this.policy = policy;
    }

    public Map<String, Object> overview() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("presetsAsOf", sources.presets().asOf().toString());
        Map<String, Object> tiers = new LinkedHashMap<>();
        for (KeyGroup group : registry.groups()) {
            GeminiTier tier = sources.tier(group.name());
            tiers.put(group.name(), tier == null ? null : tier.id());
        }
        view.put("tiers", tiers);
        view.put("limits", inForce().stream().map(QuotaLimitViews::entry).toList());
        return view;
    }

    /** A (group, project, model) with at least one known limit, and each limit in force with its source. */
    record Limited(String group, String project, String model, Map<QuotaMetric, QuotaLimitSources.InForce> limits) {
    }

    /** Every (group, project, model) with a known limit: declared, its tier's presets, learned from 429s. */
    List<Limited> inForce() {
        return inForce(group -> Set.of());
    }

    /**
     * As {@link #inForce()}, with more models per group to look at ({@code seen}: e.g. models served lately, which a
     * {@code *} declaration covers without naming them).
     */
    List<Limited> inForce(Function<String, Set<String>> seen) {
        List<Limited> limited = new ArrayList<>();
        for (KeyGroup group : registry.groups()) {
            for (String project : projects(group)) {
                Set<String> models = new TreeSet<>(sources.models(group.name()));
                models.addAll(policy.learnedModels(project));
                models.addAll(seen.apply(group.name()));
                for (String model : models) {
                    Map<QuotaMetric, QuotaLimitSources.InForce> inForce = sources.inForce(group.name(), project, model, policy);
                    if (inForce.values().stream().anyMatch(limit -> limit.limit() != null)) {
                        limited.add(new Limited(group.name(), project, model, inForce));
                    }
                }
            }
        }
        return limited;
    }

    QuotaPolicy policy() {
        return policy;
    }

    private static Set<String> projects(KeyGroup group) {
        Set<String> projects = new TreeSet<>();
        for (ApiKey key : group.keys()) {
            projects.add(key.project());
        }
        return projects;
    }

    private static Map<String, Object> entry(Limited limited) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("group", limited.group());
        entry.put("project", limited.project());
        entry.put("model", limited.model());
        limited.limits().forEach((metric, limit) -> {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("limit", limit.limit());
            value.put("source", limit.source() == null ? null : limit.source().id());
            entry.put(metric.tag(), value);
        });
        return entry;
    }
}
