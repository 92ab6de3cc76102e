package dev.geminigateway.autoconfigure;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Client protection: who may use the gateway ({@code ClientAuth}), lockout of addresses that guess tokens, and the
 * default client rate limits ({@code clientRateLimiter}, {@code ClientRateLimit}).
 *
 * @param enabled Whether ClientAuth requires a client token. On by default: the gateway does not start without a
 * token unless this is set to false, which makes it an open relay for anyone who can reach it.
 * @param tokens Tokens the operator issues to client applications (never Gemini API keys): a comma-separated string,
 * a list of tokens, or a list of {name, token, requests-per-minute, requests-per-day, tokens-per-minute} (the name,
 * never the token, shows in logs and metrics; a plain token is named token-&lt;fingerprint&gt;; its own limits win
 * over rate-limit.*). Read from the GATEWAY_CLIENT_TOKENS environment variable (or a config-tree Secret file of that
 * name) when unset. Held in memory as SHA-256 hashes only.
 * @param trustedProxies CIDR ranges or addresses of reverse proxies whose X-Forwarded-For is believed; the client
 * address is the right-most hop that is not one of them. Empty: the peer address is the client.
 * @param lockout Blocking of client addresses that send wrong tokens.
 * @param rateLimit Default client rate limits, used where a route sets none.
 * @param budgets Where per-token budgets ({@code tokens[].budget}) are counted and when their days and months begin.
 */
@Validated
@ConfigurationProperties("gemini.gateway.client-auth")
public record ClientProtectionProperties(
        @DefaultValue("true") boolean enabled,
        List<@Valid Token> tokens,
        List<String> trustedProxies,
        @Valid @NotNull @DefaultValue Lockout lockout,
        @Valid @NotNull @DefaultValue RateLimit rateLimit,
        @Valid @NotNull @DefaultValue Budgets budgets) {

    public ClientProtectionProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    @Override
    public String toString() {
        // never print tokens
        return "ClientProtectionProperties[enabled=" + enabled + ", tokens=" + tokens.size() + " configured, trustedProxies="
                + trustedProxies + ", lockout=" + lockout + ", rateLimit=" + rateLimit + "]";
    }

    /**
     * One issued client token.
     *
     * @param name How the client shows in logs and metrics; default token-&lt;fingerprint&gt;.
     * @param token The secret the client sends.
     * @param requestsPerMinute This client's requests per minute; unset for the default, 0 for no limit.
     * @param requestsPerDay This client's requests per 24 hours; unset for the default, 0 for no limit.
     * @param tokensPerMinute This client's estimated input tokens per minute (TokenLimit's estimate); unset for the
     * default, 0 for no limit.
     * @param budget What this client may spend per day and per month; unset for no budget.
     */
    public record Token(String name, String token, @Min(0) Integer requestsPerMinute, @Min(0) Integer requestsPerDay,
            @Min(0) Long tokensPerMinute, @Valid Budget budget) {

        @ConstructorBinding
        public Token {
        }

        public Token(String name, String token, Integer requestsPerMinute, Integer requestsPerDay,
                Long tokensPerMinute) {
            this(name, token, requestsPerMinute, requestsPerDay, tokensPerMinute, null);
        }

        @Override
        public String toString() {
            // never print the token
            return "Token[name=" + name + "]";
        }
    }

    /**
     * One client's budget: unset or 0 for none. Requests are counted when let through, tokens as Gemini reports them
     * (so a token budget may be passed by the requests running when it runs out). Days and months are those of
     * {@code budgets.zone}.
     *
     * @param requestsPerDay Requests per calendar day.
     * @param inputTokensPerDay Input (prompt) tokens per calendar day.
     * @param outputTokensPerDay Output tokens (thoughts included) per calendar day.
     * @param requestsPerMonth Requests per calendar month.
     * @param inputTokensPerMonth Input tokens per calendar month.
     * @param outputTokensPerMonth Output tokens per calendar month.
     */
    public record Budget(@Min(0) Long requestsPerDay, @Min(0) Long inputTokensPerDay, @Min(0) Long outputTokensPerDay,
            @Min(0) Long requestsPerMonth, @Min(0) Long inputTokensPerMonth, @Min(0) Long outputTokensPerMonth) {
    }

    /**
     * Where budgets are counted.
     *
     * @param zone The time zone whose midnight ends a budget day and whose first of the month ends a budget month.
     * @param store Where counters live: local (each replica counts alone) or redis (shared by replicas). Unset: redis
     * when a Redis connection is configured, else local. While Redis is unreachable, each replica counts on from the
     * totals Redis last answered.
     * @param redisTimeout How long a request waits for Redis before it is counted locally.
     */
    public record Budgets(
            @DefaultValue("UTC") @NotNull java.time.ZoneId zone,
            RateLimit.Store store,
            @DefaultValue("250ms") @DurationMin(millis = 1) Duration redisTimeout) {
    }

    /**
     * Lockout of client addresses after wrong tokens.
     *
     * @param maxFailures Wrong client tokens from one address, within the window, that get it blocked; 0 turns the
     * lockout off.
     * @param window Time over which wrong tokens are counted, from the first one.
     * @param block How long a blocked address is answered 429 without its token being checked.
     * @param maxClients Most client addresses tracked at once; beyond it the oldest addresses that are not blocked are
     * dropped first, and a blocked one never.
     */
    public record Lockout(
            @DefaultValue("3") @Min(0) int maxFailures,
            @DefaultValue("5m") @DurationMin(seconds = 1) Duration window,
            @DefaultValue("5m") @DurationMin(seconds = 1) Duration block,
            @DefaultValue("100000") @Min(1) int maxClients) {
    }

    /**
     * Default client rate limits.
     *
     * @param requestsPerMinute Requests one client may send per minute (refilled continuously); 0 (the default) for no
     * limit: the upstream quota is protected by quota scheduling, so a busy client is not throttled by default.
     * @param requestsPerDay Requests one client may send per 24 hours (refilled continuously); 0 for no limit.
     * @param tokensPerMinute Estimated input tokens one client may send per minute ({@code ClientRateLimit} after
     * {@code TokenLimit}; counted on each replica); 0 for no limit.
     * @param maxClients Most client buckets kept at once (per replica); idle full buckets are dropped first.
     * @param store Where buckets live: local (each replica counts alone) or redis (shared by replicas; needs
     * spring-boot-starter-data-redis-reactive and bucket4j_jdk17-lettuce). Unset: redis when a Redis connection is
     * configured, else local. While Redis is unreachable, limits are counted locally rather than requests refused.
     * @param redisTimeout How long a request waits for Redis before it is counted locally.
     */
    public record RateLimit(
            @DefaultValue("0") @Min(0) int requestsPerMinute,
            @DefaultValue("0") @Min(0) int requestsPerDay,
            @DefaultValue("0") @Min(0) long tokensPerMinute,
            @DefaultValue("100000") @Min(1) int maxClients,
            Store store,
            @DefaultValue("250ms") @DurationMin(millis = 1) Duration redisTimeout) {

        /** Where client buckets are kept. */
        public enum Store {
            LOCAL, REDIS
        }
    }
}
