package dev.geminigateway.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.attempt.AttemptObserver;
import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.egress.EgressProxyException;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.selection.KeyScores;
import dev.geminigateway.selection.Selection;
import dev.geminigateway.web.ErrorAnswers;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.UpstreamResponse;

/**
 * One request's walk through a key group, in four steps: {@link #choose() choose} a key (or wait for one, or refuse
 * when none can serve), {@link #send send} the request with it, {@link #judge judge} the upstream answer, then
 * choose again or {@link #answer answer} the client. It runs before any byte reaches the client: an answer another
 * key could improve on is thrown away, a success (a stream too) flows on untouched.
 */
final class AttemptLoop {

    private static final Log log = LogFactory.getLog(AttemptLoop.class);

    private final KeyRotation rotation;
    private final RotationPolicy policy;
    private final ServerWebExchange exchange;
    private final GatewayFilterChain chain;
    /** The route's priority order for this request's model (one tier unless it fails over or falls back). */
    private final List<Tier> tiers;
    /** The tier of the current attempt; the first one until another serves. */
    private Tier tier;
    private final long estimatedTokens;
    private final Instant deadline;
    private final QuotaHold quota;
    private final Set<String> triedKeys = new HashSet<>(4);
    private final Set<String> skippedProjects = new HashSet<>(2);
    /** Tried keys and skipped projects when asking with a fallback model: a project's quota is per model. */
    private Map<String, Set<String>> triedByFallback;
    private Map<String, Set<String>> skippedByFallback;
    private boolean fellBack;
    private int attempts;
    private int retries;
    private long selectionNanos;
    /** The latest answer that was not a success: what the client gets when no other key does better. */
    private UpstreamAnswer last;

    AttemptLoop(KeyRotation rotation, RotationPolicy policy, ServerWebExchange exchange, GatewayFilterChain chain,
            List<Tier> tiers, long estimatedTokens) {
        this.rotation = rotation;
        this.policy = policy;
        this.exchange = exchange;
        this.chain = chain;
        this.tiers = tiers;
        this.tier = tiers.get(0);
        this.estimatedTokens = estimatedTokens;
        this.deadline = rotation.clock.instant().plus(policy.deadline());
        this.quota = new QuotaHold(rotation.quota, exchange, tier.group().name());
    }

    Mono<Void> start() {
        return choose();
    }

    private Mono<Void> choose() {
        return choose(0, rotation.clock.instant(), null);
    }

    /**
     * Asks the tiers in priority order, from {@code index}: the first that offers a key serves; one that cannot
     * (breaker open, no key may serve) passes to the next at once. {@code none} merges why the earlier ones could not.
     */
    private Mono<Void> choose(int index, Instant now, Selection.Unavailable none) {
        if (index == tiers.size()) {
            if (none == null) {
                return last != null ? answer(last) : refuse(HttpStatus.SERVICE_UNAVAILABLE,
                        "Gemini is failing for model '" + tiers.get(0).requested()
                                + "'; requests pause briefly to let it recover",
                        policy.breakerOpen(), "service_unavailable");
            }
            return noKey(none, now);
        }
        Tier asked = tiers.get(index);
        BreakerPermit permit = BreakerPermit.tryAcquire(rotation.breakers.forModel(asked.group().name(), asked.model()));
        if (permit == null) {
            return choose(index + 1, now, none);
        }
        long selecting = System.nanoTime();
        return Mono.defer(() -> rotation.selector.select(asked.group(), asked.model(), tried(asked), skipped(asked),
                        now, estimatedTokens, exchange.getAttribute(GeminiExchangeAttributes.REQUIRED_PROJECT),
                        exchange.getAttribute(GeminiExchangeAttributes.PREFERRED_PROJECTS)))
                .doOnError(e -> permit.release())
                .doOnCancel(permit::release)
                .flatMap(selection -> chosen(selection, asked, index, none, permit, now, selecting));
    }

    private Mono<Void> chosen(Selection selection, Tier asked, int index, Selection.Unavailable none,
            BreakerPermit permit, Instant now, long selecting) {
        selectionNanos += System.nanoTime() - selecting;
        exchange.getAttributes().put(KeyRotationAttributes.SELECTION_NANOS, selectionNanos);
        if (selection instanceof Selection.Selected selected) {
            quota.hold(selected.reservation(), now);
            tier = asked;
            if (asked.fallback() && !fellBack) {
                fellBack = true;
                rotation.fallbacks.fellBack(asked);
            }
            return send(selected.key(), permit, now);
        }
        permit.release();
        return choose(index + 1, now, merge(none, (Selection.Unavailable) selection));
    }

    /** Why no tier could serve: the earliest moment any frees up, all quarantined only if every tier's keys are. */
    private static Selection.Unavailable merge(Selection.Unavailable a, Selection.Unavailable b) {
        if (a == null) {
            return b;
        }
        Instant earliest = a.earliest() == null ? b.earliest()
                : b.earliest() == null || a.earliest().isBefore(b.earliest()) ? a.earliest() : b.earliest();
        return new Selection.Unavailable(earliest, a.allQuarantined() && b.allQuarantined(),
                a.quotaLimit() != null ? a.quotaLimit() : b.quotaLimit());
    }

    private Set<String> tried(Tier asked) {
        if (!asked.fallback()) {
            return triedKeys;
        }
        if (triedByFallback == null) {
            triedByFallback = new HashMap<>(2);
        }
        return triedByFallback.computeIfAbsent(asked.model(), m -> new HashSet<>(4));
    }

    private Set<String> skipped(Tier asked) {
        if (!asked.fallback()) {
            return skippedProjects;
        }
        if (skippedByFallback == null) {
            skippedByFallback = new HashMap<>(2);
        }
        return skippedByFallback.computeIfAbsent(asked.model(), m -> new HashSet<>(2));
    }

    /** No key can serve now: pass the last answer on, wait for the first key to free up, or refuse. */
    private Mono<Void> noKey(Selection.Unavailable none, Instant now) {
        if (last != null && !last.outcome().kind().isQuota()) {
            return answer(last);
        }
        if (none.allQuarantined()) {
            return refuse(HttpStatus.SERVICE_UNAVAILABLE, "Every API key of group '" + groupNames()
                    + "' is quarantined or disabled; an operator must add or re-enable keys", null,
                    "service_unavailable");
        }
        if (none.earliest() == null && none.quotaLimited() && last == null) {
            quota.rejected(none.quotaLimit());
            return refuse(HttpStatus.TOO_MANY_REQUESTS, "The request (about " + estimatedTokens
                    + " input tokens) exceeds the " + none.quotaLimit().tag() + " limit of every project for model '"
                    + tier.requested() + "'", null, "rate_limit_error");
        }
        if (none.earliest() == null) {
            return last != null ? answer(last) : refuse(HttpStatus.SERVICE_UNAVAILABLE,
                    "No API key can serve model '" + tier.requested() + "'", null, "service_unavailable");
        }
        Duration wait = Duration.between(now, none.earliest());
        if (!none.earliest().isAfter(quota.waitLimit(now, policy.maxWait())) && none.earliest().isBefore(deadline)) {
            quota.waiting(now);
            return Mono.delay(wait.isNegative() ? Duration.ZERO : wait).then(Mono.defer(this::choose));
        }
        quota.waitEnded(now, false);
        if (none.quotaLimited() && last == null) {
            quota.rejected(none.quotaLimit());
            // A ledger's wait is exact: to the nearest second, not up (a client up to 0.5 s early waits here).
            wait = wait.minusMillis(500);
        }
        return refuse(HttpStatus.TOO_MANY_REQUESTS, "All API keys for model '" + tier.requested()
                + "' are over quota or cooling down; retry after " + ErrorAnswers.seconds(wait) + " s", wait,
                "rate_limit_error");
    }

    private Mono<Void> send(ApiKey key, BreakerPermit permit, Instant now) {
        attempts++;
        tried(tier).add(key.id());
        exchange.getAttributes().put(KeyRotationAttributes.PROJECT, key.project());
        // the egress proxy is the group's: the group may change from one attempt to the next (failover)
        exchange.getAttributes().put(GeminiExchangeAttributes.KEY_GROUP, tier.group().name());
        ServerHttpRequest request = ModelFallback.apply(exchange,
                UpstreamCredential.place(exchange.getRequest(), key), tier);
        KeyScores scores = rotation.selector.scores();
        scores.started(key.id());
        AtomicBoolean judged = new AtomicBoolean();
        long started = System.nanoTime();
        return chain.filter(exchange.mutate().request(request).build())
                .timeout(Duration.between(now, deadline))
                .then(Mono.defer(this::read))
                .onErrorResume(e -> !exchange.getResponse().isCommitted(), e -> Mono.just(transportFailure(e)))
                .flatMap(answer -> {
                    Duration latency = Duration.ofNanos(System.nanoTime() - started);
                    judged.set(true);
                    scores.finished(key.id(), answer.outcome().kind(), latency.toMillis(), now.toEpochMilli()
                            + latency.toMillis());
                    return judge(key, permit, answer, latency);
                })
                // Cancelled (the client left) or failed before it could be judged: the permit goes back unused.
                .doFinally(signal -> {
                    permit.release();
                    if (!judged.get()) {
                        scores.finished(key.id(), null, 0, 0);
                    }
                });
    }

    private String groupNames() {
        return tiers.stream().map(asked -> asked.group().name()).distinct()
                .collect(java.util.stream.Collectors.joining("', '"));
    }

    /** The upstream status is known and its body unread: read it only when it is an error, to classify it. */
    private Mono<UpstreamAnswer> read() {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int code = status == null ? 200 : status.value();
        if (!UpstreamResponse.hasErrorBody(exchange)) {
            // a success (or no answer to read): nothing to wait for
            return Mono.just(new UpstreamAnswer(UpstreamOutcome.success(code), code, null, null));
        }
        return UpstreamResponse.errorBody(exchange)
                .map(bytes -> new UpstreamAnswer(rotation.classifier.classify(code, bytes), code, bytes, null));
    }

    private UpstreamAnswer transportFailure(Throwable error) {
        UpstreamResponse.closeConnection(exchange);
        String reason = error instanceof TimeoutException ? "no answer before the request deadline"
                : error.getClass().getSimpleName();
        return new UpstreamAnswer(EgressProxyException.outcomeOf(error, reason), 0, null, error);
    }

    private Mono<Void> judge(ApiKey key, BreakerPermit permit, UpstreamAnswer answer, Duration latency) {
        UpstreamOutcome outcome = answer.outcome();
        OutcomeKind kind = outcome.kind();
        AttemptObserver.notifyAll(exchange, new AttemptRecord(tier.group().name(), tier.model(), key, attempts, outcome,
                latency));
        quota.settle(outcome, answer.error());
        if (kind.isUpstreamTrouble()) {
            permit.failed(latency, outcome.reason());
        }
        else {
            permit.succeeded(latency);
        }
        if (kind == OutcomeKind.SUCCESS) {
            if (tier.fallback()) {
                exchange.getResponse().getHeaders().set(ModelFallback.HEADER, tier.model());
            }
            return Mono.empty();
        }
        if (kind == OutcomeKind.CAPACITY) {
            rotation.poolThrottle.onCapacityLimited(tier.group().name());
        }
        if (log.isDebugEnabled()) {
            log.debug("Key " + key.id() + " attempt " + attempts + " for " + tier.model() + ": " + kind + " ("
                    + outcome.reason() + ")");
        }
        last = answer;
        if (!mayRetry(kind)) {
            return answer(answer);
        }
        UpstreamResponse.discard(exchange);
        if (kind.skipsProject()) {
            skipped(tier).add(key.project());
        }
        if (kind.isUpstreamTrouble()) {
            Duration pause = policy.backoff().delay(retries++);
            Duration left = Duration.between(rotation.clock.instant(), deadline);
            return Mono.delay(pause.compareTo(left) < 0 ? pause : Duration.ZERO).then(Mono.defer(this::choose));
        }
        return Mono.defer(this::choose);
    }

    private boolean mayRetry(OutcomeKind kind) {
        if (!kind.retryable() || attempts >= policy.maxAttempts() || !rotation.clock.instant().isBefore(deadline)) {
            return false;
        }
        if (kind == OutcomeKind.CAPACITY && rotation.poolThrottle.throttledUntil(tier.group().name()) != null) {
            return false;
        }
        return !kind.isUpstreamTrouble() || rotation.retryBudget.tryWithdraw();
    }

    /** Answers the client with this upstream answer: no other key could do better. */
    private Mono<Void> answer(UpstreamAnswer answer) {
        UpstreamResponse.discard(exchange);
        if (!answer.answered()) {
            boolean timeout = answer.error() instanceof TimeoutException;
            return refuse(timeout ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY,
                    (timeout ? "Gemini did not answer in time" : "Gemini could not be reached") + " after "
                            + attempts + " attempt(s)", null, "upstream_error");
        }
        return rotation.answers.passOn(exchange, answer.status(), answer.body());
    }

    private Mono<Void> refuse(HttpStatus status, String message, Duration retryAfter, String openAiType) {
        return rotation.answers.refuse(exchange, status, message, retryAfter, openAiType);
    }
}
