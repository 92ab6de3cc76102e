package dev.geminigateway.key;

import java.util.List;
import java.util.Set;

/**
 * A named pool of keys. {@code models} lists the models this group serves (empty: any model), so that a route
 * naming several groups sends each request to the group of its model.
 */
public record KeyGroup(String name, List<ApiKey> keys, Set<String> models) {

    public KeyGroup {
        keys = List.copyOf(keys);
        models = Set.copyOf(models);
    }

    public boolean serves(String model) {
        return models.isEmpty() || (model != null && models.contains(model));
    }
}
