package dev.geminigateway.simulator.http;

/** The API methods the simulator serves, with what they cost in quota. */
enum Operation {
    LIST_MODELS(false, false, null),
    GET_MODEL(false, false, null),
    GENERATE(true, false, "generateContent"),
    STREAM(true, true, "streamGenerateContent"),
    COUNT_TOKENS(false, false, "countTokens"),
    EMBED(true, false, "embedContent"),
    BATCH_EMBED(true, false, "batchEmbedContents"),
    CHAT(true, false, "generateContent"),
    EMBEDDINGS(true, false, "embedContent");

    /** Counts against RPM/TPM/RPD, as on real Gemini: generate and stream do, countTokens and models do not. */
    final boolean metered;
    final boolean streaming;
    /** The native method name used in "not supported for ..." messages. */
    final String method;

    Operation(boolean metered, boolean streaming, String method) {
        this.metered = metered;
        this.streaming = streaming;
        this.method = method;
    }

    boolean embedding() {
        return this == EMBED || this == BATCH_EMBED || this == EMBEDDINGS;
    }
}
