package dev.geminigateway.outcome;

/**
 * What one upstream attempt told us. Only key-level evidence (an ErrorInfo reason about the key or its project,
 * the "leaked" message) or a quota reason changes any state; an answer about the request or a resource never does.
 */
public enum OutcomeKind {
    /** 2xx. */
    SUCCESS(false, false),
    /** ErrorInfo reason API_KEY_INVALID (a 400, sometimes a 403): the key is wrong, expired or unknown. */
    KEY_INVALID(true, true),
    /**
     * Evidence about the key itself: reported as leaked, API_KEY_SERVICE_BLOCKED, API_KEY_IP_ADDRESS_BLOCKED,
     * API_KEY_HTTP_REFERRER_BLOCKED, CONSUMER_SUSPENDED.
     */
    KEY_FORBIDDEN(true, true),
    /** SERVICE_DISABLED or BILLING_DISABLED: the key's project cannot use the API, so no key of it can serve. */
    PROJECT_DISABLED(true, true),
    /**
     * A 403 that names neither the key nor a resource. Not retried (it may well be the request's fault) and no
     * state changes until a cheap probe with that key confirms it cannot even list models.
     */
    KEY_SUSPECT(false, false),
    /**
     * A 400/403/404 about a file, cached content or tuned model the key's project cannot see: the request's
     * fault. Returned as is, tried on no other key, and no key changes state.
     */
    RESOURCE_DENIED(false, false),
    /** 429 with a per-minute request quotaId: the project is out of requests for this model this minute. */
    MINUTE_QUOTA(true, false),
    /** 429 with a per-day quotaId: out until midnight America/Los_Angeles. */
    DAY_QUOTA(true, false),
    /** 429 with an input-token-per-minute quotaId. */
    TOKEN_QUOTA(true, false),
    /** 429 with quotaValue "0": the model is not on this project's tier; retrying will never help. */
    MODEL_UNAVAILABLE(true, false),
    /**
     * 429 "Your prepayment credits are depleted": the project's prepaid balance is used up. Every key and model of
     * the project fails until someone pays, so the whole project rests for a long time (not a short back-off, and
     * no key is quarantined: the keys are fine and come back with the money).
     */
    BILLING_EXHAUSTED(true, false),
    /** 429 without details: shared capacity or IP-level throttling, not the key's own quota. */
    CAPACITY(true, false),
    /** Other 4xx: the request itself is wrong; every key would answer the same. */
    CLIENT_ERROR(false, false),
    /**
     * 400 FAILED_PRECONDITION "User location is not supported": Gemini judges the address the call came from, so it
     * is the egress's problem (the group's proxy or the gateway's network), not the key's. Every key of the group
     * leaves through the same egress, so it is returned as is, and no key changes state.
     */
    EGRESS_LOCATION(false, false),
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

    /** Key-level evidence: the key itself is unusable until an operator or a probe says otherwise. */
    public boolean quarantines() {
        return keyFault;
    }

    /** Ambiguous: the key changes state only if a probe with it fails too. */
    public boolean confirmsByProbe() {
        return this == KEY_SUSPECT;
    }

    /** No other key of the same project can do better for this request: the rotation moves to another project. */
    public boolean skipsProject() {
        return isQuota() || this == PROJECT_DISABLED;
    }

    /** A 429 about the project's budget: its cooldown ({@code coolUntil}) covers the project for the model, or for
     * every model when {@link #coversAllModels()}. */
    public boolean isQuota() {
        return this == MINUTE_QUOTA || this == DAY_QUOTA || this == TOKEN_QUOTA || this == MODEL_UNAVAILABLE
                || this == BILLING_EXHAUSTED;
    }

    /** The project's cooldown covers every model, not only the one asked for. */
    public boolean coversAllModels() {
        return this == BILLING_EXHAUSTED;
    }

    /** 5xx and transport failures (retried with backoff and within the retry budget), and egress proxy failures. */
    public boolean isUpstreamTrouble() {
        return this == SERVER_ERROR || this == TRANSPORT || this == EGRESS_PROXY;
    }
}
