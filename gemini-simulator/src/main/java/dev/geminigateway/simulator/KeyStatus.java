package dev.geminigateway.simulator;

/** How the simulated Gemini answers a key (ARCHITECTURE.md §8.2). */
public enum KeyStatus {
    /** Accepted. */
    VALID,
    /** 400 INVALID_ARGUMENT with reason API_KEY_INVALID (wire 2.2). */
    INVALID,
    /** 403 PERMISSION_DENIED "reported as leaked", no details (wire 2.3). */
    LEAKED,
    /** 403 PERMISSION_DENIED with reason SERVICE_DISABLED and the project number (wire 2.4). */
    SERVICE_DISABLED,
    /** 403 PERMISSION_DENIED with reason CONSUMER_SUSPENDED, the key quoted, on every method (ARCHITECTURE.md §8.2). */
    SUSPENDED,
    /**
     * 403 PERMISSION_DENIED with reason API_KEY_SERVICE_BLOCKED on the generation methods only (generateContent,
     * streamGenerateContent, embeddings, OpenAI chat): the key still lists models and counts tokens.
     */
    GENERATION_BLOCKED
}
