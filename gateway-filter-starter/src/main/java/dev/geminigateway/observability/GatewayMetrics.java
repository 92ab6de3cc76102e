package dev.geminigateway.observability;

import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.metrics.MeterCache;
import dev.geminigateway.outcome.OutcomeKind;

/**
 * The gateway's own meters, all under {@code gemini.gateway.} (Prometheus names in brackets):
 * <ul>
 * <li>{@value #REQUESTS} ({@code gemini_gateway_requests_total{status,surface,route}}): requests by final status;</li>
 * <li>{@value #REQUEST_DURATION} ({@code gemini_gateway_request_duration_seconds}, with buckets): time until the
 * last byte went to the client;</li>
 * <li>{@value #ATTEMPTS} ({@code gemini_gateway_upstream_attempts_total{outcome,key}}): upstream attempts; {@code key}
 * is the key's fingerprint id, or {@value #OTHER_KEY} when per-key tags are off or the pool is larger than the
 * bound;</li>
 * <li>{@value #ATTEMPTS_PER_REQUEST} ({@code gemini_gateway_request_attempts}): attempts one request needed;</li>
 * <li>{@value #COOLDOWNS} ({@code gemini_gateway_cooldowns_started_total{kind}}): quota cooldowns, sidelines and
 * quarantines started;</li>
 * <li>{@value #LOCAL_REJECTIONS} ({@code gemini_gateway_local_rejections_total{status}}): errors the gateway
 * answered itself (401, 413, 429, 503, ...) instead of passing an upstream answer on;</li>
 * <li>{@value KeyStateGauges#KEYS} ({@code gemini_gateway_keys{state,group}}): see {@link KeyStateGauges}.</li>
 * </ul>
 * Token meters are {@code TokenUsageRecorder}'s. Every tag value is bounded: routes and groups are configured, key
 * ids are bounded by {@code maxKeyTags}, statuses and outcomes are small sets. Each tag set's meter is resolved once
 * ({@link MeterCache}), not registered again on every request.
 */
public class GatewayMetrics {

    public static final String REQUESTS = "gemini.gateway.requests";
    public static final String REQUEST_DURATION = "gemini.gateway.request.duration";
    public static final String ATTEMPTS = "gemini.gateway.upstream.attempts";
    public static final String SELECTION = "gemini.gateway.selection";
    public static final String ATTEMPTS_PER_REQUEST = "gemini.gateway.request.attempts";
    public static final String COOLDOWNS = "gemini.gateway.cooldowns.started";
    public static final String LOCAL_REJECTIONS = "gemini.gateway.local.rejections";
    public static final String OTHER_KEY = "other";

    private static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(120)};
    private static final double[] ATTEMPT_BUCKETS = {1, 2, 3, 4, 6, 10};

    /** Each outcome's tag, lower-cased once rather than per request. */
    private static final String[] OUTCOME_TAGS = java.util.Arrays.stream(OutcomeKind.values())
            .map(kind -> kind.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    private final KeyRegistry keys;
    private final boolean perKeyTags;
    private final int maxKeyTags;
    private final MeterCache<RequestTags, Counter> requests;
    private final MeterCache<String, Timer> durations;
    private final MeterCache<String, DistributionSummary> attemptsPerRequest;
    private final MeterCache<Integer, Counter> localRejections;
    private final MeterCache<String, Timer> selections;
    private final MeterCache<AttemptTags, Counter> attempts;
    private final MeterCache<String, Counter> cooldowns;

    public GatewayMetrics(MeterRegistry meters, KeyRegistry keys, boolean perKeyTags, int maxKeyTags) {
        this.keys = keys;
        this.perKeyTags = perKeyTags;
        this.maxKeyTags = maxKeyTags;
        this.requests = new MeterCache<>(tags -> Counter.builder(REQUESTS)
                .description("Requests through the gateway by final status")
                .tag("status", Integer.toString(tags.status())).tag("surface", tags.surface())
                .tag("route", tags.route())
                .register(meters));
        this.durations = new MeterCache<>(route -> Timer.builder(REQUEST_DURATION)
                .description("Time from request to the last byte of the answer")
                .tag("route", route).serviceLevelObjectives(DURATION_BUCKETS)
                .register(meters));
        this.attemptsPerRequest = new MeterCache<>(route -> DistributionSummary.builder(ATTEMPTS_PER_REQUEST)
                .description("Upstream attempts one request needed")
                .tag("route", route).serviceLevelObjectives(ATTEMPT_BUCKETS)
                .register(meters));
        this.localRejections = new MeterCache<>(status -> Counter.builder(LOCAL_REJECTIONS)
                .description("Errors the gateway answered itself, by status")
                .tag("status", Integer.toString(status)).register(meters));
        this.selections = new MeterCache<>(route -> Timer.builder(SELECTION)
                .description("Time spent choosing keys for one request")
                .tag("route", route).register(meters));
        this.attempts = new MeterCache<>(tags -> Counter.builder(ATTEMPTS)
                .description("Upstream attempts by outcome and key fingerprint")
                .tag("outcome", outcomeTag(tags.outcome())).tag("key", tags.key())
                .register(meters));
        this.cooldowns = new MeterCache<>(kind -> Counter.builder(COOLDOWNS)
                .description("Project cooldowns, key benches and quarantines started")
                .tag("kind", kind).register(meters));
    }

    public void requestCompleted(String route, String surface, int status, Duration duration, int attempts,
            boolean local) {
        requests.get(new RequestTags(status, surface, route)).increment();
        durations.get(route).record(duration);
        if (attempts > 0) {
            attemptsPerRequest.get(route).record(attempts);
        }
        if (local) {
            localRejections.get(status).increment();
        }
    }

    /** Time one request spent choosing keys (all its attempts), from KeyRotation. */
    public void selection(String route, Duration duration) {
        selections.get(route).record(duration);
    }

    public void attempt(OutcomeKind outcome, String keyId) {
        attempts.get(new AttemptTags(outcome, keyTag(keyId))).increment();
    }

    /** {@code kind}: minute_quota, day_quota, token_quota, model_unavailable, bench or quarantine. */
    public void cooldownStarted(String kind) {
        cooldowns.get(kind).increment();
    }

    /** The key's fingerprint while the pool is small enough for per-key series, else {@value #OTHER_KEY}. */
    String keyTag(String keyId) {
        return perKeyTags && keys.size() <= maxKeyTags ? keyId : OTHER_KEY;
    }

    static String outcomeTag(OutcomeKind kind) {
        return OUTCOME_TAGS[kind.ordinal()];
    }

    private record RequestTags(int status, String surface, String route) {
    }

    private record AttemptTags(OutcomeKind outcome, String key) {
    }
}
