package dev.geminigateway.model;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The models the gateway knows without a client telling it: those the configuration names (group {@code models},
 * per-model quotas) and Gemini's public catalogue. Only these get their own meter series and state that is never
 * evicted; any other (valid) name a client sends is an "other" model: state for it lives in a bounded
 * least-recently-used table ({@link ModelTable}) and its meters are tagged {@value #OTHER}.
 */
public final class KnownModels {

    public static final String OTHER = "other";

    /** Other models whose state a {@link ModelTable} keeps, least recently used dropped first. */
    public static final int DEFAULT_MAX_OTHERS = 1000;

    /** Gemini's public model ids (bare, without {@code models/}); a model missing here can be configured. */
    static final List<String> CATALOGUE = List.of(
            "gemini-3-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro", "gemini-2.5-flash",
            "gemini-2.5-flash-lite", "gemini-2.5-flash-image", "gemini-2.0-flash", "gemini-2.0-flash-lite",
            "gemini-1.5-pro", "gemini-1.5-flash", "gemini-pro-latest", "gemini-flash-latest",
            "gemini-flash-lite-latest", "gemma-3-27b-it", "gemma-3-12b-it", "gemma-3-4b-it", "gemma-3-1b-it",
            "gemini-embedding-001", "text-embedding-004");

    private static final KnownModels CATALOGUE_ONLY = new KnownModels(List.of());

    private final Set<String> known;
    private final int maxOthers;

    /** @param configured model names from the configuration, with or without {@code models/}; {@code *} is ignored */
    public KnownModels(Collection<String> configured) {
        this(configured, DEFAULT_MAX_OTHERS);
    }

    public KnownModels(Collection<String> configured, int maxOthers) {
        if (maxOthers < 1) {
            throw new IllegalArgumentException("maxOthers must be at least 1");
        }
        Set<String> names = new HashSet<>(CATALOGUE);
        for (String name : configured) {
            if (name != null && !name.isBlank() && !"*".equals(name)) {
                names.add(name.startsWith("models/") ? name.substring("models/".length()) : name);
            }
        }
        this.known = Set.copyOf(names);
        this.maxOthers = maxOthers;
    }

    /** Gemini's catalogue only, for components built without the configuration. */
    public static KnownModels catalogue() {
        return CATALOGUE_ONLY;
    }

    public boolean isKnown(String model) {
        return model != null && known.contains(model);
    }

    /** The model as a meter tag: itself when known, {@value #OTHER} for anything a client made up. */
    public String tag(String model) {
        return isKnown(model) ? model : OTHER;
    }

    public int maxOthers() {
        return maxOthers;
    }
}
