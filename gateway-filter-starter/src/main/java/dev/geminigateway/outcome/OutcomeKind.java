package dev.geminigateway.outcome;

/** What one upstream attempt told us, following DESIGN.md section 5. */
public enum OutcomeKind {
    /** 2xx. */
    SUCCESS(false, false),
    /** 400 API_KEY_INVALID: the key is wrong, expired or unknown. */
    KEY_INVALID(true, true),
    /** 403: leaked, API disabled, or no permission. */
    KEY_FORBIDDEN(true, true),
    /** 429 with a per-minute request quotaId: the project is out of requests for this model this minute. */
    MINUTE_QUOTA(true, false),
    /** 429 with a per-day quotaId: out until midnight America/Los_Angeles. */
    DAY_QUOTA(true, false),
    /** 429 with an input-token-per-minute quotaId. */
    TOKEN_QUOTA(true, false),
    /** 429 with quotaValue "0": the model is not on this project's tier; retrying will never help. */
    MODEL_UNAVAILABLE(true, false),
    /** 429 without details: shared capacity or IP-level throttling, not the key's own quota. */
    CAPACITY(true, false),
    /** Other 4xx: the request itself is wrong (or a region precondition); every key would answer the same. */
    CLIENT_ERROR(false, false),
    /** 5xx: upstream or model trouble, rarely the key's. */
    SERVER_ERROR(true, false),
    /** Connect error, reset, timeout before any response. */
    TRANSPORT(true, false),
    /**
     * The key group's egress proxy refused the tunnel or could not be reached: Gemini never saw the request, no key
     * is to blame, and every other key of the group goes through the same proxy.
     */
    EGRESS_PROXY(false, false);

    private final boolean retryable;
    private final boolean keyFault;

    OutcomeKind(boolean retryable, boolean keyFault) {
        this.retryable = retryable;
        this.keyFault = keyFault;
    }

    /** Another key (or another try) could answer differently. */
    public boolean retryable() {
        return retryable;
    }

    /** The key itself is unusable until an operator or a probe says otherwise. */
    public boolean quarantines() {
        return keyFault;
    }

    public boolean isQuota() {
        return this == MINUTE_QUOTA || this == DAY_QUOTA || this == TOKEN_QUOTA || this == MODEL_UNAVAILABLE;
    }

    /** 5xx and transport failures (retried with backoff and within the retry budget), and egress proxy failures. */
    public boolean isUpstreamTrouble() {
        return this == SERVER_ERROR || this == TRANSPORT || this == EGRESS_PROXY;
    }
}
