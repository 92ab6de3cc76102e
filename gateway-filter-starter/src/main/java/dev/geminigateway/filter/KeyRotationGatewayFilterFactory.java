package dev.geminigateway.filter;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.buffer.ByteBuf;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.autoconfigure.GeminiGatewayProperties;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.rotation.Backoff;
import dev.geminigateway.rotation.PoolThrottle;
import dev.geminigateway.rotation.RetryBudget;
import dev.geminigateway.rotation.UpstreamBreakers;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.selection.Selection;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.web.BodyTooLargeException;
import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.RequestBodyCache;
import dev.geminigateway.web.RequestModel;
import dev.geminigateway.web.Surface;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;

/**
 * {@code KeyRotation=<group>[,<group>…]}: picks a key for the request's (group, model), sets it the way the
 * upstream surface expects, and when the answer is one another key could improve on (DESIGN.md section 5),
 * throws that answer away and tries the next key, before any byte reaches the client.
 * <p>
 * It is pinned at {@link #ORDER}, after {@code NettyWriteResponseFilter} (-1) and before
 * {@code RouteToRequestUrlFilter} (10000): when the rest of the chain returns, the upstream status and headers are
 * known but its body is still unread, so a success (a stream too) flows to the client untouched while an error
 * can be read, classified and discarded. Client authentication, rate limits and token counting run before it,
 * once per request.
 */
public class KeyRotationGatewayFilterFactory extends AbstractGatewayFilterFactory<KeyRotationGatewayFilterFactory.Config> {

    public static final int ORDER = 5000;

    /** Error bodies are read to classify them; anything larger is not a Gemini error. */
    static final int MAX_ERROR_BODY = 256 * 1024;

    private static final Log log = LogFactory.getLog(KeyRotationGatewayFilterFactory.class);

    private final KeyRegistry registry;
    private final KeySelector selector;
    private final GeminiErrorClassifier classifier;
    private final GeminiGatewayProperties.Rotation policy;
    private final RetryBudget retryBudget;
    private final PoolThrottle poolThrottle;
    private final UpstreamBreakers breakers;
    private final Backoff backoff;
    private final JsonMapper json;
    private final Clock clock;

    public KeyRotationGatewayFilterFactory(KeyRegistry registry, KeySelector selector, GeminiErrorClassifier classifier,
            GeminiGatewayProperties.Rotation policy, RetryBudget retryBudget, PoolThrottle poolThrottle,
            UpstreamBreakers breakers, JsonMapper json, Clock clock) {
        super(Config.class);
        this.registry = registry;
        this.selector = selector;
        this.classifier = classifier;
        this.policy = policy;
        this.retryBudget = retryBudget;
        this.poolThrottle = poolThrottle;
        this.breakers = breakers;
        this.backoff = new Backoff(policy.backoffBase(), policy.backoffMax());
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ShortcutType shortcutType() {
        return ShortcutType.GATHER_LIST;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("groups");
    }

    @Override
    public GatewayFilter apply(Config config) {
        for (String group : config.getGroups()) {
            if (registry.group(group).isEmpty()) {
                throw new IllegalArgumentException("KeyRotation names key group '" + group
                        + "', which is not configured; configured groups: " + registry.groupNames());
            }
        }
        return new OrderedGatewayFilter((exchange, chain) -> rotate(config, exchange, chain), ORDER);
    }

    private Mono<Void> rotate(Config config, ServerWebExchange exchange, GatewayFilterChain chain) {
        Surface surface = GatewayErrors.surfaceOf(exchange);
        exchange.getAttributes().putIfAbsent(GeminiExchangeAttributes.SURFACE, surface);
        return RequestBodyCache.read(exchange, policy.maxBodyBytes())
                .flatMap(body -> {
                    String model = exchange.getAttribute(GeminiExchangeAttributes.MODEL);
                    if (model == null) {
                        model = RequestModel.find(exchange.getRequest().getPath().value(), body);
                        if (model != null) {
                            exchange.getAttributes().put(GeminiExchangeAttributes.MODEL, model);
                        }
                    }
                    KeyGroup group = registry.groupFor(config.getGroups(), model).orElse(null);
                    if (group == null) {
                        return GatewayErrors.write(exchange, HttpStatus.BAD_REQUEST,
                                "No key group of this route serves model '" + model + "'", "invalid_request_error");
                    }
                    retryBudget.onRequest();
                    return new Rotation(config, exchange, chain, group, model == null ? Cooldown.ALL_MODELS : model,
                            body).next();
                })
                .onErrorResume(BodyTooLargeException.class, e -> GatewayErrors.write(exchange,
                        HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage(), "invalid_request_error"));
    }

    /** The walk of one request through the pool. */
    private final class Rotation {

        private final ServerWebExchange exchange;
        private final GatewayFilterChain chain;
        private final KeyGroup group;
        private final String model;
        private final byte[] body;
        private final int maxAttempts;
        private final Duration maxWait;
        private final Instant deadline;
        private final CircuitBreaker breaker;
        private final Set<String> triedKeys = new HashSet<>(4);
        private final Set<String> skippedProjects = new HashSet<>(2);
        private int attempts;
        private int retries;
        private long selectionNanos;
        private UpstreamAnswer last;
        /** Quota: the request's estimated input tokens, the current attempt's reservation, when waiting began. */
        private final long estimatedTokens;
        private QuotaReservation reservation;
        private Instant waitingSince;

        Rotation(Config config, ServerWebExchange exchange, GatewayFilterChain chain, KeyGroup group, String model,
                byte[] body) {
            this.exchange = exchange;
            this.chain = chain;
            this.group = group;
            this.model = model;
            this.body = body;
            this.maxAttempts = config.getMaxAttempts() != null ? config.getMaxAttempts() : policy.maxAttempts();
            this.maxWait = config.getMaxWait() != null ? config.getMaxWait() : policy.maxWait();
            this.deadline = clock.instant().plus(config.getDeadline() != null ? config.getDeadline() : policy.deadline());
            this.breaker = breakers.forModel(group.name(), model);
            this.estimatedTokens = estimatedTokens(exchange, body);
        }

        Mono<Void> next() {
            Instant now = clock.instant();
            if (!breaker.tryAcquirePermission()) {
                return last != null ? passOn(last) : refuse(HttpStatus.SERVICE_UNAVAILABLE,
                        "Gemini is failing for model '" + model + "'; requests pause briefly to let it recover",
                        policy.upstreamBreakerOpen(), "service_unavailable");
            }
            long selecting = System.nanoTime();
            return selector.select(group, model, triedKeys, skippedProjects, now, estimatedTokens)
                    .flatMap(selection -> selected(selection, now, selecting));
        }

        private Mono<Void> selected(Selection selection, Instant now, long selecting) {
            selectionNanos += System.nanoTime() - selecting;
            exchange.getAttributes().put(KeyRotationAttributes.SELECTION_NANOS, selectionNanos);
            if (selection instanceof Selection.Selected selected) {
                quotaWaitEnded(now, true);
                reservation = selected.reservation();
                return attempt(selected.key(), now);
            }
            breaker.releasePermission();
            Selection.Unavailable none = (Selection.Unavailable) selection;
            if (last != null && !last.outcome().kind().isQuota()) {
                return passOn(last);
            }
            if (none.allQuarantined()) {
                return refuse(HttpStatus.SERVICE_UNAVAILABLE, "Every API key of group '" + group.name()
                        + "' is quarantined or disabled; an operator must add or re-enable keys", null,
                        "service_unavailable");
            }
            if (none.earliest() == null && none.quotaLimited() && last == null) {
                selector.quota().ifPresent(q -> q.onLocalRejection(group.name(), none.quotaLimit()));
                return refuse(HttpStatus.TOO_MANY_REQUESTS, "The request (about " + estimatedTokens
                        + " input tokens) exceeds the " + none.quotaLimit().tag() + " limit of every project for model '"
                        + model + "'", null, "rate_limit_error");
            }
            if (none.earliest() == null) {
                return last != null ? passOn(last) : refuse(HttpStatus.SERVICE_UNAVAILABLE,
                        "No API key can serve model '" + model + "'", null, "service_unavailable");
            }
            Duration wait = Duration.between(now, none.earliest());
            // The bound is on the request's whole wait, however many times a freed slot is taken by another request.
            Instant waitLimit = (waitingSince == null ? now : waitingSince).plus(maxWait);
            if (!none.earliest().isAfter(waitLimit) && none.earliest().isBefore(deadline)) {
                waitingSince = waitingSince == null ? now : waitingSince;
                return Mono.delay(wait.isNegative() ? Duration.ZERO : wait).then(Mono.defer(this::next));
            }
            quotaWaitEnded(now, false);
            if (none.quotaLimited() && last == null) {
                selector.quota().ifPresent(q -> q.onLocalRejection(group.name(), none.quotaLimit()));
                // A ledger's wait is exact: to the nearest second, not up (a client up to 0.5 s early waits here).
                wait = wait.minusMillis(500);
            }
            return refuse(HttpStatus.TOO_MANY_REQUESTS, "All API keys for model '" + model
                    + "' are over quota or cooling down; retry after " + seconds(wait) + " s", wait, "rate_limit_error");
        }

        /** Quota: input tokens TokenLimit estimated, else a quarter of the body's bytes (gemini-wire.md 5). */
        private static long estimatedTokens(ServerWebExchange exchange, byte[] body) {
            Object estimate = exchange.getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS);
            if (estimate instanceof Number number && number.longValue() >= 0) {
                return number.longValue();
            }
            return Math.max(1, (body.length + 3) / 4);
        }

        private void quotaWaitEnded(Instant now, boolean served) {
            if (waitingSince != null) {
                Duration waited = Duration.between(waitingSince, now);
                selector.quota().ifPresent(q -> q.onWait(group.name(), waited, served));
                waitingSince = null;
            }
        }

        private Mono<Void> attempt(ApiKey key, Instant now) {
            attempts++;
            triedKeys.add(key.id());
            if (reservation != null) {
                exchange.getAttributes().put(QuotaReservation.ATTRIBUTE, reservation);
            }
            ServerWebExchange attemptExchange = exchange.mutate().request(withCredential(exchange.getRequest(), key))
                    .build();
            long started = System.nanoTime();
            Duration remaining = Duration.between(now, deadline);
            return chain.filter(attemptExchange)
                    .timeout(remaining)
                    .then(Mono.defer(this::readAnswer))
                    .onErrorResume(e -> !exchange.getResponse().isCommitted(), e -> Mono.just(transportFailure(e)))
                    .flatMap(answer -> decide(key, answer, Duration.ofNanos(System.nanoTime() - started)));
        }

        /** The upstream status is known and its body unread: read it only when it is an error, to classify it. */
        private Mono<UpstreamAnswer> readAnswer() {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
            int code = status == null ? 200 : status.value();
            if (connection == null || status == null || status.is2xxSuccessful()) {
                return Mono.just(new UpstreamAnswer(UpstreamOutcome.success(code), code, null, null));
            }
            return connection.inbound().receive()
                    .reduce(new ByteArrayOutputStream(), (out, buf) -> append(out, buf, connection))
                    .map(out -> out.toByteArray())
                    .defaultIfEmpty(new byte[0])
                    .map(bytes -> new UpstreamAnswer(classifier.classify(code, bytes), code, bytes, null));
        }

        private UpstreamAnswer transportFailure(Throwable error) {
            closeConnection();
            String reason = error instanceof TimeoutException ? "no answer before the request deadline"
                    : error.getClass().getSimpleName();
            return new UpstreamAnswer(UpstreamOutcome.transport(reason), 0, null, error);
        }

        private Mono<Void> decide(ApiKey key, UpstreamAnswer answer, Duration latency) {
            UpstreamOutcome outcome = answer.outcome();
            OutcomeKind kind = outcome.kind();
            AttemptObserver.notifyAll(exchange, new AttemptRecord(group.name(), model, key, attempts, outcome, latency));
            settleQuota(outcome, answer.error());
            if (kind.isUpstreamTrouble()) {
                breaker.onError(latency.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS,
                        new UpstreamTroubleException(outcome.reason()));
            }
            else {
                breaker.onSuccess(latency.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            if (kind == OutcomeKind.SUCCESS) {
                return Mono.empty();
            }
            if (kind == OutcomeKind.CAPACITY) {
                poolThrottle.onCapacityLimited(group.name());
            }
            if (log.isDebugEnabled()) {
                log.debug("Key " + key.id() + " attempt " + attempts + " for " + model + ": " + kind + " ("
                        + outcome.reason() + ")");
            }
            last = answer;
            if (!mayRetry(kind)) {
                return passOn(answer);
            }
            discard();
            if (kind.isQuota()) {
                skippedProjects.add(key.project());
            }
            if (kind.isUpstreamTrouble()) {
                Duration pause = backoff.delay(retries++);
                Duration left = Duration.between(clock.instant(), deadline);
                return Mono.delay(pause.compareTo(left) < 0 ? pause : Duration.ZERO).then(Mono.defer(this::next));
            }
            return Mono.defer(this::next);
        }

        /** Quota: learn from a 429, refund what Gemini did not count (a refunded reservation leaves the exchange). */
        private void settleQuota(UpstreamOutcome outcome, Throwable error) {
            QuotaReservation held = reservation;
            if (held == null) {
                return;
            }
            selector.quota().ifPresent(q -> q.settle(held, outcome, error));
            if (held.refunded()) {
                exchange.getAttributes().remove(QuotaReservation.ATTRIBUTE, held);
            }
            reservation = null;
        }

        private boolean mayRetry(OutcomeKind kind) {
            if (!kind.retryable() || attempts >= maxAttempts || !clock.instant().isBefore(deadline)) {
                return false;
            }
            if (kind == OutcomeKind.CAPACITY && poolThrottle.throttledUntil(group.name()) != null) {
                return false;
            }
            return !kind.isUpstreamTrouble() || retryBudget.tryWithdraw();
        }

        /**
         * Throws the current upstream answer away, so the next attempt starts from a clean response. Its error body
         * was read to the end, so reactor-netty has already returned the connection to the pool.
         */
        private void discard() {
            exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
            exchange.getAttributes().remove(CLIENT_RESPONSE_ATTR);
            ServerWebExchangeUtils.reset(exchange);
            exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES);
        }

        /** A failed attempt may leave a half-used connection behind: it is closed, never reused. */
        private void closeConnection() {
            Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
            exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
            if (connection != null) {
                connection.dispose();
            }
        }

        /** Answers the client with this upstream answer (no other key could do better). */
        private Mono<Void> passOn(UpstreamAnswer answer) {
            if (!answer.answered()) {
                discard();
                boolean timeout = answer.error() instanceof TimeoutException;
                return refuse(timeout ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY,
                        (timeout ? "Gemini did not answer in time" : "Gemini could not be reached") + " after "
                                + attempts + " attempt(s)", null, "upstream_error");
            }
            discard();
            ServerHttpResponse response = exchange.getResponse();
            response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
            byte[] bytes = clientBody(answer.body());
            HttpHeaders headers = response.getHeaders();
            headers.remove(HttpHeaders.TRANSFER_ENCODING);
            headers.setContentType(MediaType.APPLICATION_JSON);
            headers.setContentLength(bytes.length);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
        }

        /**
         * OpenAI SDKs read {@code error.message} from an object; Gemini's compat surface sends a one-element list
         * (gemini-wire.md 2.8). Unwrapped unless raw errors are asked for.
         */
        private byte[] clientBody(byte[] upstream) {
            if (upstream == null || policy.rawErrors() || GatewayErrors.surfaceOf(exchange) != Surface.OPENAI) {
                return upstream == null ? new byte[0] : upstream;
            }
            try {
                JsonNode root = json.readTree(upstream);
                return root.isArray() && root.size() == 1 ? json.writeValueAsBytes(root.get(0)) : upstream;
            }
            catch (RuntimeException e) {
                return upstream;
            }
        }

        private Mono<Void> refuse(HttpStatus status, String message, Duration retryAfter, String openAiType) {
            if (retryAfter != null) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds(retryAfter)));
            }
            return GatewayErrors.write(exchange, status, message, openAiType);
        }

        private ServerHttpRequest withCredential(ServerHttpRequest request, ApiKey key) {
            boolean openAiUpstream = request.getPath().value().contains("/openai/");
            URI uri = UriComponentsBuilder.fromUri(request.getURI()).replaceQueryParam(Surface.KEY_QUERY_PARAM)
                    .build(true).toUri();
            ServerHttpRequest mutated = request.mutate().uri(uri).headers(headers -> {
                headers.remove(HttpHeaders.AUTHORIZATION);
                headers.remove(Surface.GOOGLE_KEY_HEADER);
                if (openAiUpstream) {
                    headers.setBearerAuth(key.secret());
                }
                else {
                    headers.set(Surface.GOOGLE_KEY_HEADER, key.secret());
                }
            }).build();
            return RequestBodyCache.replay(mutated, body);
        }
    }

    private static ByteArrayOutputStream append(ByteArrayOutputStream out, ByteBuf buf, Connection connection) {
        if (out.size() + buf.readableBytes() > MAX_ERROR_BODY) {
            connection.dispose();
            throw new IllegalStateException("upstream error body larger than " + MAX_ERROR_BODY + " bytes");
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        out.writeBytes(bytes);
        return out;
    }

    static long seconds(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        return Math.max(1, (millis + 999) / 1000);
    }

    /** Marks 5xx and transport failures for the upstream breaker. */
    static final class UpstreamTroubleException extends RuntimeException {
        UpstreamTroubleException(String message) {
            super(message, null, false, false);
        }
    }

    public static class Config {

        private List<String> groups = new ArrayList<>();
        private Integer maxAttempts;
        private Duration deadline;
        private Duration maxWait;

        public List<String> getGroups() {
            return groups;
        }

        public Config setGroups(List<String> groups) {
            this.groups = groups;
            return this;
        }

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public Config setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Duration getDeadline() {
            return deadline;
        }

        public Config setDeadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public Config setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }
    }
}
