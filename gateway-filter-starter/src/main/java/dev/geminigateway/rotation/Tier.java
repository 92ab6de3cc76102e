package dev.geminigateway.rotation;

import java.util.ArrayList;
import java.util.List;

import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.store.Cooldown;

/**
 * One step of a route's priority order (ARCHITECTURE.md §5.1): a key group and the model it is asked for, which is
 * the requested model or the group's fallback for it.
 *
 * @param group the key group
 * @param model the model the upstream request names
 * @param requested the model the client asked for
 */
record Tier(KeyGroup group, String model, String requested) {

    /** The request is sent with another model than the client asked for. */
    boolean fallback() {
        return !model.equals(requested);
    }

    /**
     * The tiers of a request for {@code model}: each group that serves it, then that group's fallback model if it
     * has one. Without {@code failover}, only the one group the model picks ({@link KeyRegistry#groupFor}); with it,
     * every group of the route that serves the model, in the route's order. Empty: no group serves the model.
     */
    static List<Tier> of(KeyRegistry registry, List<String> groups, String model, boolean failover) {
        List<Tier> tiers = new ArrayList<>(2);
        if (!failover) {
            registry.groupFor(groups, model).ifPresent(group -> add(tiers, group, model));
            return tiers;
        }
        for (String name : groups) {
            registry.group(name).filter(group -> group.serves(model) || group.fallbackFor(model) != null)
                    .ifPresent(group -> add(tiers, group, model));
        }
        return tiers;
    }

    private static void add(List<Tier> tiers, KeyGroup group, String model) {
        if (group.serves(model)) {
            String named = model == null ? Cooldown.ALL_MODELS : model;
            tiers.add(new Tier(group, named, named));
        }
        String fallback = group.fallbackFor(model);
        if (fallback != null) {
            tiers.add(new Tier(group, fallback, model));
        }
    }
}
