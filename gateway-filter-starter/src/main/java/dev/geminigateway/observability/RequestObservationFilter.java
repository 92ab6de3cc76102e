package dev.geminigateway.observability;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.rotation.KeyRotationAttributes;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.LogSafe;
import dev.geminigateway.web.Surface;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

/**
 * Once per routed request, when its answer is complete: the request meters of {@link GatewayMetrics} and one access
 * log line (logger {@value #ACCESS_LOGGER}) with route, surface, model, the fingerprints of the keys tried, attempts,
 * final outcome, status, estimated tokens and latency. Never a key, a client token or a query string; values from the
 * client are escaped and truncated ({@link LogSafe}).
 * <p>
 * Ordered at {@value #ORDER}, outside every gateway filter and outside {@code NettyWriteResponseFilter}, so the
 * latency covers the whole answer (a stream too) and client-authentication rejections are counted.
 */
public class RequestObservationFilter implements GlobalFilter, Ordered {

    public static final int ORDER = -10;
    public static final String ACCESS_LOGGER = "dev.geminigateway.access";
    /** Status recorded when the client went away before its answer was complete (nginx's convention). */
    static final int CLIENT_CLOSED = 499;

    private static final Logger access = LoggerFactory.getLogger(ACCESS_LOGGER);

    private final GatewayMetrics metrics;
    private final ConsoleRecorder console;

    public RequestObservationFilter(GatewayMetrics metrics) {
        this(metrics, null);
    }

    /** @param console told of every completed request for the operator's console; null for none */
    public RequestObservationFilter(GatewayMetrics metrics, ConsoleRecorder console) {
        this.metrics = metrics;
        this.console = console;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long started = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> completed(exchange, signal, started));
    }

    private void completed(ServerWebExchange exchange, SignalType signal, long started) {
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String routeId = route == null ? "none" : route.getId();
        Surface surface = exchange.getAttribute(GeminiExchangeAttributes.SURFACE);
        String surfaceTag = (surface != null ? surface : Surface.of(exchange.getRequest())).tag();
        int status = status(exchange, signal);
        List<AttemptRecord> attempts = attempts(exchange);
        AttemptRecord last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        boolean local = status >= 400 && status != CLIENT_CLOSED && isLocal(status, last);
        Long selectionNanos = exchange.getAttribute(KeyRotationAttributes.SELECTION_NANOS);
        if (selectionNanos != null) {
            metrics.selection(routeId, Duration.ofNanos(selectionNanos));
        }
        metrics.requestCompleted(routeId, surfaceTag, status, latency, attempts.size(), local);
        if (console != null) {
            console.completed(exchange.getAttribute(GeminiExchangeAttributes.KEY_GROUP),
                    exchange.getAttribute(GeminiExchangeAttributes.MODEL), status, local, attempts, latency.toNanos());
        }
        if (access.isInfoEnabled()) {
            access.info(line(exchange, routeId, surfaceTag, status, attempts, last, local, latency));
        }
    }

    /**
     * The gateway answered itself when no upstream attempt was made (client auth, rate limit, token limit), when the
     * status differs from the last upstream answer (502/504 after transport failures), or when the last attempt hit
     * a quota: KeyRotation then answers its own 429 or 503 rather than pass a quota error on.
     */
    static boolean isLocal(int status, AttemptRecord last) {
        return last == null || last.outcome().status() != status || last.outcome().kind().isQuota();
    }

    private static int status(ServerWebExchange exchange, SignalType signal) {
        if (signal == SignalType.CANCEL) {
            return CLIENT_CLOSED;
        }
        HttpStatusCode code = exchange.getResponse().getStatusCode();
        if (code != null) {
            return code.value();
        }
        return signal == SignalType.ON_ERROR ? 500 : 200;
    }

    @SuppressWarnings("unchecked")
    private static List<AttemptRecord> attempts(ServerWebExchange exchange) {
        Object attempts = exchange.getAttribute(AttemptMetricsFilter.ATTEMPTS);
        if (attempts instanceof List<?> list) {
            synchronized (list) {
                return List.copyOf((List<AttemptRecord>) list);
            }
        }
        return List.of();
    }

    private static String line(ServerWebExchange exchange, String route, String surface, int status,
            List<AttemptRecord> attempts, AttemptRecord last, boolean local, Duration latency) {
        String model = exchange.getAttribute(GeminiExchangeAttributes.MODEL);
        if (model == null && last != null) {
            model = last.model();
        }
        Object tokens = exchange.getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS);
        StringBuilder keys = new StringBuilder();
        for (AttemptRecord attempt : attempts) {
            keys.append(keys.isEmpty() ? "" : ",").append(attempt.key().id());
        }
        String outcome = local ? "local" : last == null ? (status < 400 ? "ok" : "none")
                : GatewayMetrics.outcomeTag(last.outcome().kind());
        return "requestId=" + RequestIdWebFilter.of(exchange)
                + " method=" + LogSafe.of(exchange.getRequest().getMethod().name())
                + " path=" + LogSafe.of(exchange.getRequest().getPath().value())
                + " route=" + route
                + " surface=" + surface
                + " model=" + LogSafe.of(model)
                + " keys=" + (keys.isEmpty() ? "-" : keys)
                + " attempts=" + attempts.size()
                + " outcome=" + outcome
                + " status=" + status
                + " estimatedTokens=" + (tokens == null ? "-" : tokens)
                + " latencyMs=" + latency.toMillis();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
