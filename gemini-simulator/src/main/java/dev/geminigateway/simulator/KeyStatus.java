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
    SERVICE_DISABLED
}
