package dev.geminigateway.rotation;

import java.time.Duration;

/**
 * How far one request may walk the pool: built once from the configuration ({@code gemini.gateway.rotation.*}),
 * and narrowed per route by {@link #forRoute}.
 *
 * @param maxAttempts upstream attempts per request, the first included
 * @param deadline the request's whole time budget, waits and attempts together
 * @param maxWait how long a request may wait, in all, for a key or quota to free up
 * @param maxBodyBytes the largest request body read (larger: 413)
 * @param backoff the pause before a retry after upstream trouble (5xx, transport)
 * @param breakerOpen how long the upstream breaker stays open (the {@code Retry-After} of its 503)
 * @param rawErrors pass OpenAI-surface errors exactly as Gemini sent them
 * @param cacheAffinity the route's prompt-cache affinity setting; null follows the key group's
 */
public record RotationPolicy(int maxAttempts, Duration deadline, Duration maxWait, long maxBodyBytes, Backoff backoff,
        Duration breakerOpen, boolean rawErrors, Boolean cacheAffinity) {

    public RotationPolicy(int maxAttempts, Duration deadline, Duration maxWait, long maxBodyBytes, Backoff backoff,
            Duration breakerOpen, boolean rawErrors) {
        this(maxAttempts, deadline, maxWait, maxBodyBytes, backoff, breakerOpen, rawErrors, null);
    }

    /** This policy with a route's own limits; a null keeps the configured value. */
    public RotationPolicy forRoute(Integer maxAttempts, Duration deadline, Duration maxWait) {
        return new RotationPolicy(maxAttempts != null ? maxAttempts : this.maxAttempts,
                deadline != null ? deadline : this.deadline, maxWait != null ? maxWait : this.maxWait, maxBodyBytes,
                backoff, breakerOpen, rawErrors, cacheAffinity);
    }

    /** This policy with a route's prompt-cache affinity setting (null: the group decides). */
    public RotationPolicy withCacheAffinity(Boolean cacheAffinity) {
        return new RotationPolicy(maxAttempts, deadline, maxWait, maxBodyBytes, backoff, breakerOpen, rawErrors,
                cacheAffinity);
    }
}
