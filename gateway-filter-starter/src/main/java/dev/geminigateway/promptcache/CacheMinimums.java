package dev.geminigateway.promptcache;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shortest prompt Gemini caches implicitly, per model (ARCHITECTURE.md §8.5): 2,048 tokens for the 2.5 models and
 * 4,096 for newer ones, per Gemini's context-caching page; 1.5, 2.0, Gemma and embedding models have no implicit
 * caching (0). The {@code -latest} aliases point at the newest models and take 4,096. Configured figures win.
 */
final class CacheMinimums {

    private static final Pattern VERSION = Pattern.compile("^gemini-(\\d+)(?:\\.(\\d+))?-");
    private static final Pattern LATEST = Pattern.compile("^gemini-(pro|flash|flash-lite)-latest$");

    /** The smallest built-in minimum of a model that has one. */
    static final int SMALLEST_BUILT_IN = 2048;

    private final Map<String, Integer> configured;
    private final int smallest;

    CacheMinimums(Map<String, Integer> configured) {
        this.configured = Map.copyOf(configured);
        this.smallest = configured.values().stream().filter(tokens -> tokens != null && tokens > 0)
                .mapToInt(Integer::intValue).reduce(SMALLEST_BUILT_IN, Math::min);
    }

    /** No model's minimum is below this, except those without implicit caching (0): a cheap first test. */
    int smallest() {
        return smallest;
    }

    /** Tokens a prompt needs before Gemini caches it for {@code model}; 0: never. */
    int tokens(String model) {
        if (model == null) {
            return 0;
        }
        Integer own = configured.get(model);
        if (own != null) {
            return Math.max(0, own);
        }
        if (model.contains("embedding")) {
            return 0;
        }
        if (LATEST.matcher(model).matches()) {
            return 4096;
        }
        Matcher version = VERSION.matcher(model);
        if (!version.find()) {
            return 0;
        }
        int major = Integer.parseInt(version.group(1));
        int minor = version.group(2) == null ? 0 : Integer.parseInt(version.group(2));
        if (major >= 3) {
            return 4096;
        }
        return major == 2 && minor >= 5 ? 2048 : 0;
    }
}
