package dev.geminigateway.simulator.cache;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shortest prompt Gemini caches implicitly, by model (Gemini's context-caching page): 2,048 tokens for the 2.5
 * models, 4,096 for newer ones; older models (1.5, 2.0), Gemma and embedding models have no implicit caching (0).
 */
public final class CacheMinimum {

    private static final Pattern VERSION = Pattern.compile("^gemini-(\\d+)(?:\\.(\\d+))?-");

    private CacheMinimum() {
    }

    public static int tokens(String model) {
        if (model == null || model.contains("embedding")) {
            return 0;
        }
        if (model.matches("gemini-(pro|flash|flash-lite)-latest")) {
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
