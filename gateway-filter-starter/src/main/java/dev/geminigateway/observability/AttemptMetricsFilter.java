package dev.geminigateway.observability;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import reactor.core.publisher.Mono;

import dev.geminigateway.attempt.AttemptObserver;
import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.filter.KeyHealthFeedbackGatewayFilterFactory;
import dev.geminigateway.filter.KeyRotationGatewayFilterFactory;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * Meters every upstream attempt KeyRotation makes: attempts by outcome and key, cooldowns, sidelines and
 * quarantines started, and per-key counts for the admin view. It also keeps the request's attempts in
 * {@link #ATTEMPTS} for the access log.
 * <p>
 * Ordered at {@value #ORDER}: after {@code KeyHealthFeedback} ({@link KeyHealthFeedbackGatewayFilterFactory#ORDER})
 * registers its observer, so this one is told of an attempt after the key state was updated and can see whether
 * the attempt sidelined the key; and before {@code KeyRotation} ({@link KeyRotationGatewayFilterFactory#ORDER}).
 */
public class AttemptMetricsFilter implements GlobalFilter, Ordered {

    public static final int ORDER = 0;

    /** {@code List<AttemptRecord>}: the request's attempts, in order. */
    public static final String ATTEMPTS = AttemptMetricsFilter.class.getName() + ".attempts";

    private final GatewayMetrics metrics;
    private final KeyAttemptStats stats;
    private final KeyStateStore store;
    private final Clock clock;

    public AttemptMetricsFilter(GatewayMetrics metrics, KeyAttemptStats stats, KeyStateStore store, Clock clock) {
        this.metrics = metrics;
        this.stats = stats;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        List<AttemptRecord> attempts = new ArrayList<>(2);
        exchange.getAttributes().put(ATTEMPTS, attempts);
        AttemptObserver.register(exchange, (ex, attempt) -> {
            synchronized (attempts) {
                attempts.add(attempt);
            }
            onAttempt(attempt);
        });
        return chain.filter(exchange);
    }

    private void onAttempt(AttemptRecord attempt) {
        OutcomeKind kind = attempt.outcome().kind();
        String keyId = attempt.key().id();
        metrics.attempt(kind, keyId);
        stats.record(attempt, clock.instant());
        if (kind.isQuota()) {
            metrics.cooldownStarted(kind.name().toLowerCase(Locale.ROOT));
        }
        else if (kind.quarantines()) {
            metrics.cooldownStarted("quarantine");
        }
        else if (kind.isUpstreamTrouble() && benchedJustNow(keyId)) {
            metrics.cooldownStarted("bench");
        }
    }

    /** KeyHealthRecorder sidelines (again) on each failure at or past its threshold, naming the count it reached. */
    private boolean benchedJustNow(String keyId) {
        return store.state(keyId) instanceof KeyState.CoolingDown cooling && !cooling.usableAt(clock.instant())
                && cooling.reason() != null
                && cooling.reason().startsWith("benched after " + store.consecutiveFailures(keyId) + " ");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
