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

import org.springframework.cloud.gateway.filter.ratelimit.AbstractRateLimiter;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.http.HttpHeaders;

import reactor.core.publisher.Mono;

/**
 * Requests per minute and per day for each client, in local bucket4j buckets (one bucket with both limits, so a
 * request is counted against both atomically). Usable from Spring Cloud Gateway's {@code RequestRateLimiter}
 * ({@code rate-limiter: "#{@clientRateLimiter}"}, per-route limits as {@code client-rate-limiter.requests-per-minute}
 * arguments) and from {@link ClientRateLimitGatewayFilterFactory}. Limits refill greedily (a rolling window): a
 * client that used its day is let in again one request at a time, not all at once at midnight.
 * <p>
 * Buckets are kept per route and client in a bounded map. A bucket idle for its longest window is full again, so
 * forgetting it loses nothing. Each replica counts on its own unless {@link RedisClientBuckets} shares the buckets;
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
    private final RedisClientBuckets shared;

    /** Local buckets only. */
    public ClientRateLimiter(Config defaults, int maxClients, Clock clock, ConfigurationService configurationService) {
        this(defaults, maxClients, clock, configurationService, null);
    }

    /**
     * @param shared buckets in Redis shared by all replicas, or null for local ones; local buckets stand in while
     * Redis fails
     */
    public ClientRateLimiter(Config defaults, int maxClients, Clock clock, ConfigurationService configurationService,
            RedisClientBuckets shared) {
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
        Limits snapshot = new Limits(Config.isLimit(limits.getRequestsPerMinute()) ? limits.getRequestsPerMinute() : null,
                Config.isLimit(limits.getRequestsPerDay()) ? limits.getRequestsPerDay() : null);
        if (shared == null) {
            return Mono.just(consumeLocally(bucketKey, snapshot));
        }
        return shared.tryConsume(snapshot.perMinute() + "/" + snapshot.perDay() + ":" + bucketKey, snapshot.configuration())
                .map(probe -> response(probe, snapshot))
                .onErrorResume(redisDown -> Mono.just(consumeLocally(bucketKey, snapshot)));
    }

    private Response consumeLocally(String bucketKey, Limits snapshot) {
        Instant now = clock.instant();
        ClientBucket entry = buckets.update(bucketKey, current -> current != null && current.limits().equals(snapshot)
                ? current.touched(now) : new ClientBucket(snapshot, snapshot.newBucket(timeMeter), now.plus(snapshot.longestWindow())));
        return response(entry.bucket().tryConsumeAndReturnRemaining(1), snapshot);
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

        /** These limits, with {@code defaults}' for those this one leaves unset. */
        public Config orElse(Config defaults) {
            return new Config()
                    .setRequestsPerMinute(requestsPerMinute != null ? requestsPerMinute : defaults.getRequestsPerMinute())
                    .setRequestsPerDay(requestsPerDay != null ? requestsPerDay : defaults.getRequestsPerDay());
        }

        public boolean hasLimit() {
            return isLimit(requestsPerMinute) || isLimit(requestsPerDay);
        }

        static boolean isLimit(Integer value) {
            return value != null && value > 0;
        }

        @Override
        public String toString() {
            return "Config{requestsPerMinute=" + requestsPerMinute + ", requestsPerDay=" + requestsPerDay + "}";
        }
    }

    /** An immutable copy of a Config, so a bucket is rebuilt when a route's limits change. */
    private record Limits(Integer perMinute, Integer perDay) {

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

    /** bucket4j time from a {@link Clock}, so tests can move time. */
    private record ClockTimeMeter(Clock clock) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
