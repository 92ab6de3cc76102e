package dev.geminigateway.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import jakarta.validation.constraints.Min;

import dev.geminigateway.quota.ClockTimeMeter;

import org.springframework.cloud.gateway.filter.ratelimit.AbstractRateLimiter;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.http.HttpHeaders;

import reactor.core.publisher.Mono;

/**
 * Requests per minute and per day for each client, in local bucket4j buckets (one bucket with both limits, so a
 * request is counted against both atomically), and estimated input tokens per minute in a bucket of their own
 * ({@link #consumeTokens}: always counted on each replica, as the shared Redis buckets take one unit per call). Usable from Spring Cloud Gateway's {@code RequestRateLimiter}
 * ({@code rate-limiter: "#{@clientRateLimiter}"}, per-route limits as {@code client-rate-limiter.requests-per-minute}
 * arguments) and from {@link ClientRateLimitGatewayFilterFactory}. Limits refill greedily (a rolling window): a
 * client that used its day is let in again one request at a time, not all at once at midnight.
 * <p>
 * Buckets are kept per route and client in a bounded map. A bucket idle for its longest window is full again, so
 * forgetting it loses nothing. Each replica counts on its own unless {@link SharedBuckets} share the buckets;
 * then the local ones stand in while Redis is unreachable (limits per replica rather than refused requests).
 */
public class ClientRateLimiter extends AbstractRateLimiter<ClientRateLimiter.Config> {

    /** Prefix of the per-route arguments that {@code RequestRateLimiter} binds to {@link Config}. */
    public static final String CONFIGURATION_PROPERTY_NAME = "client-rate-limiter";

    public static final String REMAINING_HEADER = "X-RateLimit-Remaining";
    public static final String LIMIT_HEADER = "X-RateLimit-Limit";

    private final Config defaults;
    private final Clock clock;
    private final TimeMeter timeMeter;
    private final BoundedExpiringMap<String, ClientBucket> buckets;
    private final SharedBuckets shared;

    /** Local buckets only. */
    public ClientRateLimiter(Config defaults, int maxClients, Clock clock, ConfigurationService configurationService) {
        this(defaults, maxClients, clock, configurationService, null);
    }

    /**
     * @param shared buckets in Redis shared by all replicas, or null for local ones; local buckets stand in while
     * Redis fails
     */
    public ClientRateLimiter(Config defaults, int maxClients, Clock clock, ConfigurationService configurationService,
            SharedBuckets shared) {
        super(Config.class, CONFIGURATION_PROPERTY_NAME, configurationService);
        this.defaults = defaults;
        this.clock = clock;
        this.timeMeter = timeMeter(clock);
        this.buckets = new BoundedExpiringMap<>(maxClients, clock);
        this.shared = shared;
    }

    /** bucket4j time read from {@code clock}, so tests can move it. */
    public static TimeMeter timeMeter(Clock clock) {
        return new ClockTimeMeter(clock);
    }

    /** The limits used where a route sets none. */
    public Config getDefaults() {
        return defaults;
    }

    @Override
    public Mono<Response> isAllowed(String routeId, String id) {
        Config route = getConfig().get(routeId);
        return consume(routeId + "|" + id, route == null ? defaults : route.orElse(defaults));
    }

    /** Takes one request from {@code bucketKey}'s bucket under {@code limits}; no limit set means allowed. */
    public Mono<Response> consume(String bucketKey, Config limits) {
        if (!limits.hasLimit()) {
            return Mono.just(new Response(true, Map.of()));
        }
        if (!Config.isLimit(limits.getRequestsPerMinute()) && !Config.isLimit(limits.getRequestsPerDay())) {
            return Mono.just(new Response(true, Map.of()));
        }
        Limits snapshot = new Limits(Config.isLimit(limits.getRequestsPerMinute()) ? limits.getRequestsPerMinute().longValue() : null,
                Config.isLimit(limits.getRequestsPerDay()) ? limits.getRequestsPerDay().longValue() : null);
        if (shared == null) {
            return Mono.just(consumeLocally(bucketKey, snapshot, 1));
        }
        return shared.tryConsume(snapshot.perMinute() + "/" + snapshot.perDay() + ":" + bucketKey, snapshot.configuration())
                .map(probe -> response(probe, snapshot))
                .onErrorResume(redisDown -> Mono.just(consumeLocally(bucketKey, snapshot, 1)));
    }

    /**
     * Takes {@code tokens} (estimated input tokens) from {@code bucketKey}'s tokens-per-minute bucket. A request
     * larger than the whole minute is refused without {@code Retry-After}: waiting would not help.
     */
    public Response consumeTokens(String bucketKey, long tokensPerMinute, long tokens) {
        if (tokensPerMinute <= 0 || tokens <= 0) {
            return new Response(true, Map.of());
        }
        if (tokens > tokensPerMinute) {
            return new Response(false, Map.of());
        }
        Limits snapshot = new Limits(tokensPerMinute, null);
        ConsumptionProbe probe = probe("tpm|" + bucketKey, snapshot, tokens);
        return probe.isConsumed() ? new Response(true, Map.of()) : new Response(false, Map.of(HttpHeaders.RETRY_AFTER,
                Long.toString(ClientAuthGatewayFilterFactory.retryAfterSeconds(Duration.ofNanos(probe.getNanosToWaitForRefill())))));
    }

    private Response consumeLocally(String bucketKey, Limits snapshot, long amount) {
        return response(probe(bucketKey, snapshot, amount), snapshot);
    }

    private ConsumptionProbe probe(String bucketKey, Limits snapshot, long amount) {
        Instant now = clock.instant();
        ClientBucket entry = buckets.update(bucketKey, current -> current != null && current.limits().equals(snapshot)
                ? current.touched(now) : new ClientBucket(snapshot, snapshot.newBucket(timeMeter), now.plus(snapshot.longestWindow())));
        return entry.bucket().tryConsumeAndReturnRemaining(amount);
    }

    private static Response response(ConsumptionProbe probe, Limits snapshot) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(LIMIT_HEADER, Long.toString(snapshot.headlineLimit()));
        headers.put(REMAINING_HEADER, Long.toString(probe.getRemainingTokens()));
        if (!probe.isConsumed()) {
            headers.put(HttpHeaders.RETRY_AFTER, Long.toString(ClientAuthGatewayFilterFactory.retryAfterSeconds(
                    Duration.ofNanos(probe.getNanosToWaitForRefill()))));
        }
        return new Response(probe.isConsumed(), headers);
    }

    /** Clients (route and key pairs) currently holding a bucket. */
    public int trackedClients() {
        return buckets.size();
    }

    /** Per-route limits; both optional; unset or 0 means no limit of that kind. */
    public static class Config {

        @Min(0)
        private Integer requestsPerMinute;

        @Min(0)
        private Integer requestsPerDay;

        @Min(0)
        private Long tokensPerMinute;

        public Integer getRequestsPerMinute() {
            return requestsPerMinute;
        }

        public Config setRequestsPerMinute(Integer requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
            return this;
        }

        public Integer getRequestsPerDay() {
            return requestsPerDay;
        }

        public Config setRequestsPerDay(Integer requestsPerDay) {
            this.requestsPerDay = requestsPerDay;
            return this;
        }

        /** Estimated input tokens per minute ({@code ClientRateLimit} only: it reads TokenLimit's estimate). */
        public Long getTokensPerMinute() {
            return tokensPerMinute;
        }

        public Config setTokensPerMinute(Long tokensPerMinute) {
            this.tokensPerMinute = tokensPerMinute;
            return this;
        }

        /** These limits, with {@code defaults}' for those this one leaves unset. */
        public Config orElse(Config defaults) {
            return new Config()
                    .setRequestsPerMinute(requestsPerMinute != null ? requestsPerMinute : defaults.getRequestsPerMinute())
                    .setRequestsPerDay(requestsPerDay != null ? requestsPerDay : defaults.getRequestsPerDay())
                    .setTokensPerMinute(tokensPerMinute != null ? tokensPerMinute : defaults.getTokensPerMinute());
        }

        public boolean hasLimit() {
            return isLimit(requestsPerMinute) || isLimit(requestsPerDay) || isLimit(tokensPerMinute);
        }

        /** True when some limit is set here, 0 (no limit) included: such a value is not taken from defaults. */
        public boolean setsAny() {
            return requestsPerMinute != null || requestsPerDay != null || tokensPerMinute != null;
        }

        static boolean isLimit(Number value) {
            return value != null && value.longValue() > 0;
        }

        @Override
        public String toString() {
            return "Config{requestsPerMinute=" + requestsPerMinute + ", requestsPerDay=" + requestsPerDay
                    + ", tokensPerMinute=" + tokensPerMinute + "}";
        }
    }

    /** An immutable copy of a Config, so a bucket is rebuilt when a route's limits change. */
    private record Limits(Long perMinute, Long perDay) {

        BucketConfiguration configuration() {
            ConfigurationBuilder builder = BucketConfiguration.builder();
            if (perMinute != null) {
                builder.addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)));
            }
            if (perDay != null) {
                builder.addLimit(limit -> limit.capacity(perDay).refillGreedy(perDay, Duration.ofDays(1)));
            }
            return builder.build();
        }

        Bucket newBucket(TimeMeter timeMeter) {
            LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(timeMeter);
            for (Bandwidth bandwidth : configuration().getBandwidths()) {
                builder.addLimit(bandwidth);
            }
            return builder.build();
        }

        /** The limit reported in {@code X-RateLimit-Limit}: per minute when set, else per day. */
        long headlineLimit() {
            return Objects.requireNonNullElse(perMinute, perDay);
        }

        Duration longestWindow() {
            return perDay != null ? Duration.ofDays(1) : Duration.ofMinutes(1);
        }
    }

    private record ClientBucket(Limits limits, Bucket bucket, Instant expiresAt) implements BoundedExpiringMap.Expiring {

        ClientBucket touched(Instant now) {
            return new ClientBucket(limits, bucket, now.plus(limits.longestWindow()));
        }
    }
}
