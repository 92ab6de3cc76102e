package dev.geminigateway.filter;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.geminigateway.attempt.AttemptObserver;
import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.health.KeyHealthRecorder;
import dev.geminigateway.health.KeyProber;
import dev.geminigateway.health.OpenStreams;
import dev.geminigateway.health.StreamGuard;
import dev.geminigateway.health.UsageTap;
import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.Surface;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;

/**
 * {@code KeyHealthFeedback}: learns from every upstream attempt KeyRotation makes (quarantine, quota cooldowns,
 * sideline; see {@link KeyHealthRecorder}), guards streamed answers after their 200 ({@link StreamGuard}), and reads
 * the usage Gemini reports as the answer passes ({@link UsageTap}) for the {@link UsageListener}s.
 * <p>
 * It sits before {@code NettyWriteResponseFilter} ({@value #ORDER}, as {@code ModifyResponseBody} does), because
 * that filter writes to the response of the exchange it was given: a response decorator installed later would be
 * bypassed. It is told of each attempt through {@link AttemptObserver}, so it still acts once per attempt.
 */
public class KeyHealthFeedbackGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

    private final KeyHealthRecorder recorder;
    private final KeyProber prober;
    private final List<UsageListener> usageListeners;
    private final OpenStreams openStreams;
    /** Routes whose base is remembered; a gateway that makes routes on the fly parses the rest each time. */
    private static final int MAX_BASES = 256;
    /** Each route's upstream base (scheme and authority), parsed once: routes are few and their URIs fixed. */
    private final Map<URI, URI> bases = new ConcurrentHashMap<>();

    public KeyHealthFeedbackGatewayFilterFactory(KeyHealthRecorder recorder, KeyProber prober,
            List<UsageListener> usageListeners) {
        this(recorder, prober, usageListeners, null);
    }

    /** @param openStreams where streams are counted and ended at shutdown; null when shutdown is not graceful */
    public KeyHealthFeedbackGatewayFilterFactory(KeyHealthRecorder recorder, KeyProber prober,
            List<UsageListener> usageListeners, OpenStreams openStreams) {
        super(Object.class);
        this.recorder = recorder;
        this.prober = prober;
        this.usageListeners = List.copyOf(usageListeners);
        this.openStreams = openStreams;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return new OrderedGatewayFilter((exchange, chain) -> {
            Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
            AttemptObserver.register(exchange, (ex, attempt) -> {
                // Before recording: a suspect 403 is confirmed by a probe, which must go where the attempt went.
                if (route != null) {
                    prober.rememberUpstream(attempt.group(), base(route.getUri()));
                }
                recorder.record(attempt);
            });
            Surface surface = GatewayErrors.surfaceOf(exchange);
            exchange.getAttributes().putIfAbsent(GeminiExchangeAttributes.SURFACE, surface);
            StreamGuard guard = new StreamGuard(exchange.getResponse(), surface, () -> { }, openStreams);
            UsageTap tap = new UsageTap(guard, usage -> usageListeners.forEach(l -> l.onUsage(exchange, usage)));
            return chain.filter(exchange.mutate().response(usageListeners.isEmpty() ? guard : tap).build());
        }, ORDER);
    }

    private URI base(URI uri) {
        URI known = bases.get(uri);
        if (known != null) {
            return known;
        }
        URI base = baseOf(uri);
        if (bases.size() < MAX_BASES) {
            bases.put(uri, base);
        }
        return base;
    }

    static URI baseOf(URI uri) {
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    }
}
