package dev.geminigateway.quota;

import java.util.Locale;

/** A Gemini API usage tier, as Google names them; a project's limits per model depend on it. */
public enum GeminiTier {
    FREE, TIER1, TIER2, TIER3;

    /** The name used in configuration and in the preset table: {@code free}, {@code tier1}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
