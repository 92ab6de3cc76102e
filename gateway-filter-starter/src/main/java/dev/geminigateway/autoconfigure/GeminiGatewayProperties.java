package dev.geminigateway.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;

import dev.geminigateway.egress.EgressProxy;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import dev.geminigateway.quota.GeminiTier;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything under {@code gemini.gateway} but the client protection ({@code client-auth}) and the key-state store
 * ({@code store}), which have their own records: key groups, the rotation policy, metrics and the admin plane.
 *
 * @param groups key groups by name; routes name them in {@code KeyRotation=<group>[,<group>…]}
 * @param rotation how one request walks the pool
 * @param sideline when a key that keeps failing on its own is taken out for a while (was {@code bench})
 * @param probe how quarantined keys are re-checked
 * @param quota quota-aware scheduling (limits themselves are per group: {@code groups.<g>.quotas})
 * @param metrics what the gateway's meters carry
 * @param admin the admin endpoint's credential
 * @param keyValidation on-demand probing of every key ({@code /health/detailed?validate=true})
 * @param promptCache prompt-cache affinity: requests repeating a long prompt prefix prefer one project
 */
@Validated
@ConfigurationProperties("gemini.gateway")
public record GeminiGatewayProperties(
        @Valid Map<String, Group> groups,
        @Valid @DefaultValue Rotation rotation,
        @Valid @DefaultValue Sideline sideline,
        @Valid @DefaultValue Probe probe,
        @Valid @DefaultValue Quota quota,
        @Valid @DefaultValue Metrics metrics,
        @Valid @DefaultValue Admin admin,
        @Valid @DefaultValue KeyValidation keyValidation,
        @Valid @DefaultValue PromptCache promptCache) {

    public GeminiGatewayProperties {
        groups = groups == null ? Map.of() : groups;
    }

    /**
     * One pool of keys.
     *
     * @param keys the keys: a comma-separated string (e.g. from {@code GEMINI_API_KEYS}), each entry {@code KEY} or
     *     {@code KEY@project}, or a list of {@code {key, project, label}}. Keys of one Google Cloud project share
     *     its quota: say so with {@code project}, or each key is taken as its own project
     * @param models the models this group serves (the Rust proxy's {@code model_aliases}); empty: any model
     * @param quotas Gemini's limits per project of this group, by model ({@code *}: every other model), e.g.
     *     {@code gemini-2.5-flash: {rpm: 10, tpm: 250000, rpd: 250}}; limits Gemini states in its 429s are learned
     *     and replace larger ones
     * @param tier the projects' Gemini usage tier ({@code free}, {@code tier1}, {@code tier2}, {@code tier3}): Google's
     *     published limits of that tier fill every model's limits the group does not declare in {@code quotas}
     * @param proxy the egress proxy of every upstream call of this group (requests, streams, key probes):
     *     {@code http://[user:pass@]host:port} (HTTP CONNECT) or {@code socks5://[user:pass@]host:port}; none: direct
     * @param fallbackModels per requested model, the model this group sends the request with when it cannot serve
     *     the requested one (every key cooling, quarantined or out of quota for it), e.g.
     *     {@code "[gemini-2.5-flash]": gemini-2.5-flash-lite}; the answer then names it in {@code X-Gemini-Served-Model}
     * @param promptCacheAffinity this group's prompt-cache affinity; unset: {@code prompt-cache.affinity}
     */
    public record Group(List<KeyEntry> keys, Set<String> models, @Valid Map<String, QuotaLimit> quotas,
            GeminiTier tier, String proxy, Map<String, String> fallbackModels, Boolean promptCacheAffinity) {
        @ConstructorBinding
        public Group {
            fallbackModels = fallbackModels == null ? Map.of() : fallbackModels;
            keys = keys == null ? List.of() : keys;
            models = models == null ? Set.of() : models;
            quotas = quotas == null ? Map.of() : quotas;
            proxy = proxy == null || proxy.isBlank() ? null : proxy.strip();
        }


        public Group(List<KeyEntry> keys, Set<String> models, Map<String, QuotaLimit> quotas) {
            this(keys, models, quotas, null, null);
        }

        public Group(List<KeyEntry> keys, Set<String> models, Map<String, QuotaLimit> quotas, GeminiTier tier,
                String proxy) {
            this(keys, models, quotas, tier, proxy, null, null);
        }

        public Group(List<KeyEntry> keys, Set<String> models) {
            this(keys, models, null, null, null);
        }

        /** The proxy's credentials stay out of logs and error messages. */
        @Override
        public String toString() {
            return "Group[keys=" + keys + ", models=" + models + ", quotas=" + quotas + ", tier=" + tier + ", proxy="
                    + (proxy == null ? null : EgressProxy.masked(proxy)) + ", promptCacheAffinity="
                    + promptCacheAffinity + "]";
        }
    }

    /**
     * Limits of one project for one model, as Gemini counts them; a missing one is not enforced by the gateway.
     *
     * @param rpm requests per minute
     * @param tpm input tokens per minute
     * @param rpd requests per day (the day ends at midnight America/Los_Angeles)
     */
    public record QuotaLimit(@Min(0) Long rpm, @Min(0) Long tpm, @Min(0) Long rpd) {
    }

    /**
     * @param proactive offer a project only when its ledger has room for the request, and answer 429 with an exact
     *     {@code Retry-After} (after waiting up to {@code rotation.max-wait}) when none has; false: reactive, only
     *     Gemini's own 429s steer the rotation
     * @param safetyMargin added to Gemini's one-minute window in the ledgers, against network delay and clock skew
     * @param maxLedgers (project, model) ledgers kept before idle ones are dropped
     * @param maxGauges headroom gauges registered at most (one per project and model with a known limit)
     * @param ledgers {@code local} (this process) or {@code redis} (shared by replicas, with the limits learned from
     *     Gemini's 429s, through the Lettuce connection Spring Data Redis is configured with); unset: {@code redis}
     *     when a Redis connection is configured, else {@code local}
     * @param redisTimeout how long a request waits for the Redis ledgers before this replica decides alone
     */
    public record Quota(
            @DefaultValue("true") boolean proactive,
            @DefaultValue("250ms") @NotNull Duration safetyMargin,
            @DefaultValue("10000") @Min(1) int maxLedgers,
            @DefaultValue("500") @Min(0) int maxGauges,
            Ledgers ledgers,
            @DefaultValue("250ms") @NotNull Duration redisTimeout) {

        /** Where the quota ledgers live. */
        public enum Ledgers {
            LOCAL, REDIS
        }
    }

    /**
     * One key as configured.
     *
     * @param key the Gemini API key
     * @param project the Google Cloud project it belongs to (quota is counted per project and model)
     * @param label a name for the admin view
     */
    public record KeyEntry(String key, String project, String label) {
        @Override
        public String toString() {
            return "KeyEntry[project=" + project + ", label=" + label + "]";
        }
    }

    /**
     * @param maxAttempts upstream attempts per request, the first included
     * @param deadline how long a request may spend finding an answer (until response headers arrive)
     * @param maxWait how long a request may wait for a cooling key to free up before it gets a 429
     * @param maxBodyBytes request bodies larger than this get a 413
     * @param backoffBase first backoff after a 5xx or transport failure (full jitter, doubling)
     * @param backoffMax the longest backoff
     * @param retryBudgetRatio retries after upstream trouble allowed per request on average
     * @param retryBudgetMin retries always allowed, however low the traffic
     * @param quotaJitter added at random to quota cooldowns so that replicas do not return in step
     * @param capacityThreshold bare 429s within {@code capacityWindow} that mark the pool as throttled
     * @param capacityWindow see {@code capacityThreshold}
     * @param capacityHold how long a throttled pool does not rotate on bare 429s
     * @param upstreamBreakerWindow calls per (group, model) the upstream breaker looks at
     * @param upstreamBreakerFailureRate percentage of 5xx/transport failures that opens it
     * @param upstreamBreakerOpen how long it stays open before letting trial calls through
     * @param rawErrors pass Gemini's OpenAI-surface error bodies as sent (a one-element list) instead of unwrapping
     * @param healthWeighted order the keys that may serve by their recent errors, latency and load (the better of the
     *     cursor's key and a random one); false for plain rotation
     */
    public record Rotation(
            @DefaultValue("4") @Min(1) int maxAttempts,
            @DefaultValue("60s") @NotNull Duration deadline,
            @DefaultValue("2s") @NotNull Duration maxWait,
            @DefaultValue("10485760") @Min(1024) long maxBodyBytes,
            @DefaultValue("50ms") @NotNull Duration backoffBase,
            @DefaultValue("1s") @NotNull Duration backoffMax,
            @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("10.0") double retryBudgetRatio,
            @DefaultValue("10") @Min(0) int retryBudgetMin,
            @DefaultValue("2s") @NotNull Duration quotaJitter,
            @DefaultValue("3") @Min(1) int capacityThreshold,
            @DefaultValue("10s") @NotNull Duration capacityWindow,
            @DefaultValue("5s") @NotNull Duration capacityHold,
            @DefaultValue("20") @Min(2) int upstreamBreakerWindow,
            @DefaultValue("80") @DecimalMin("1") @DecimalMax("100") float upstreamBreakerFailureRate,
            @DefaultValue("5s") @NotNull Duration upstreamBreakerOpen,
            @DefaultValue("false") boolean rawErrors,
            @DefaultValue("true") boolean healthWeighted) {
    }

    /**
     * The per-key breaker (the Rust proxy's {@code circuit_breaker}: {@code failure_threshold} and
     * {@code recovery_timeout_secs}). Only failures that are the key's own count: a key fails while others succeed.
     *
     * @param failureThreshold consecutive own failures that sideline a key
     * @param duration how long a sidelined key sits out; it then gets one trial, and one more failure sidelines it
     *     again
     */
    public record Sideline(
            @DefaultValue("3") @Min(1) int failureThreshold,
            @DefaultValue("5m") @NotNull Duration duration) {
    }

    /**
     * @param interval how often quarantined keys are re-checked with a cheap {@code GET models}
     * @param baseUrl where probes go; default: the upstream of the key group's routes (the one that last carried a
     *     request of the group, else the first configured route naming it)
     */
    public record Probe(
            @DefaultValue("10m") @NotNull Duration interval,
            String baseUrl) {
    }

    /**
     * @param perKeyTags tag upstream-attempt meters with the key's fingerprint id
     * @param maxKeyTags above this many keys the {@code key} tag is {@code other}, so a large pool cannot blow up
     *     the number of time series
     */
    public record Metrics(
            @DefaultValue("true") boolean perKeyTags,
            @DefaultValue("200") @Min(1) int maxKeyTags) {
    }

    /**
     * @param token the admin token ({@code Authorization: Bearer <token>}) for every actuator endpoint except health
     *     and prometheus; falls back to the environment variable {@code GATEWAY_ADMIN_TOKEN}. Unset: those
     *     endpoints refuse every request
     */
    public record Admin(String token) {
        @Override
        public String toString() {
            return "Admin[token=" + (token == null || token.isBlank() ? "unset" : "set") + "]";
        }
    }

    /**
     * Gemini caches long prompt prefixes per project (2.5 and newer models) and bills cached input tokens at a large
     * discount; rotating a repeated prefix over N projects hits that cache about 1/N of the time.
     *
     * @param affinity send requests sharing a long prompt prefix to the same project while it has quota headroom
     *     (the next project by rendezvous hashing when it has none); groups ({@code groups.<g>.prompt-cache-affinity})
     *     and routes ({@code KeyRotation}'s {@code promptCacheAffinity}) may say otherwise
     * @param minTokens the shortest prompt Gemini caches, by model, replacing the built-in figures (2,048 tokens for
     *     2.5 models, 4,096 for newer ones, none for older ones); also how much leading prompt must match
     */
    public record PromptCache(
            @DefaultValue("true") boolean affinity,
            Map<String, @Min(0) Integer> minTokens) {

        public PromptCache {
            minTokens = minTokens == null ? Map.of() : minTokens;
        }
    }

    /**
     * @param cacheFor how long one validation of all keys is served before keys are probed again
     * @param concurrency probes in flight at once
     */
    public record KeyValidation(
            @DefaultValue("60s") @NotNull Duration cacheFor,
            @DefaultValue("4") @Min(1) int concurrency) {
    }
}
