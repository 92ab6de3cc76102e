package dev.geminigateway.sample.setup;

/** The gateway was started without any Gemini API key for the key group its routes use. */
public class MissingGeminiKeysException extends IllegalStateException {

    private final String group;

    public MissingGeminiKeysException(String group) {
        super("No Gemini API key configured for key group '" + group + "': set GEMINI_API_KEYS, or run with the "
                + "demo profile (--spring.profiles.active=demo) to try the gateway against a built-in simulator");
        this.group = group;
    }

    public String group() {
        return group;
    }
}
