package dev.geminigateway.key;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A named pool of keys. {@code models} lists the models this group serves (empty: any model), so that a route
 * naming several groups sends each request to the group of its model. {@code fallbackModels} names, per model, the
 * model the group sends a request with when it cannot serve the requested one (ARCHITECTURE.md §5.1).
 */
public record KeyGroup(String name, List<ApiKey> keys, Set<String> models, Map<String, String> fallbackModels) {

    public KeyGroup {
        keys = List.copyOf(keys);
        models = Set.copyOf(models);
        fallbackModels = fallbackModels == null ? Map.of() : Map.copyOf(fallbackModels);
    }

    public KeyGroup(String name, List<ApiKey> keys, Set<String> models) {
        this(name, keys, models, Map.of());
    }

    public boolean serves(String model) {
        return models.isEmpty() || (model != null && models.contains(model));
    }

    /** The model this group falls back to for {@code model}, or null. */
    public String fallbackFor(String model) {
        return model == null ? null : fallbackModels.get(model);
    }

    /** The same group with other keys. */
    KeyGroup withKeys(List<ApiKey> keys) {
        return new KeyGroup(name, keys, models, fallbackModels);
    }
}
