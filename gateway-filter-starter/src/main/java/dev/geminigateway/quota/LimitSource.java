package dev.geminigateway.quota;

/** Where a limit in force comes from. */
public enum LimitSource {
    /** The group's {@code quotas} in configuration. */
    DECLARED("declared"),
    /** The group's {@code tier}: Google's published limits for that tier and model. */
    TIER_PRESET("tier-preset"),
    /** Gemini's own 429 ({@code quotaValue}), until the next Pacific midnight. */
    LEARNED("learned");

    private final String id;

    LimitSource(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
