package dev.geminigateway.filter;

import java.util.List;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.GatewayToStringStyler;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.token.MalformedRequestBodyException;
import dev.geminigateway.token.TokenCalibration;
import dev.geminigateway.token.TokenCounter;
import dev.geminigateway.token.TokenEstimate;
import dev.geminigateway.web.BodyTooLargeException;
import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.InvalidModelException;
import dev.geminigateway.web.RequestBodyCache;
import dev.geminigateway.web.RequestModel;
import dev.geminigateway.web.Surface;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * Refuses requests whose estimated input tokens exceed a limit, before any key is spent on them, and publishes the
 * estimate ({@link GeminiExchangeAttributes#ESTIMATED_TOKENS}, {@link TokenEstimate#EXCHANGE_ATTRIBUTE}) and the
 * model ({@link GeminiExchangeAttributes#MODEL}) for quota reservations and usage reconciliation.
 * <p>
 * Only a request that could reach the limit is tokenized (o200k): below it by the byte bound (a token is at least a
 * byte) the published estimate is a quarter of the text's bytes, calibrated alike ({@link TokenCounter}).
 * <p>
 * {@code TokenLimit=125000} in a route. The body is read once through {@link RequestBodyCache} (shared with
 * KeyRotation) and the chain gets a request that replays those bytes. Answers, in the caller's SDK shape: 400 over the
 * limit, for malformed JSON or an invalid model name, 413 past {@code maxBodyBytes}; in every case the request goes
 * no further.
 */
public class TokenLimitGatewayFilterFactory extends AbstractGatewayFilterFactory<TokenLimitGatewayFilterFactory.Config> {

    public static final String MAX_TOKENS_KEY = "maxTokens";

    /**
     * Bodies above this are counted on {@link Schedulers#boundedElastic()}: o200k runs at roughly 15 MB/s, so 64 KiB
     * costs ~4 ms, the most we let one request hold an event loop that serves many connections. Not
     * {@code Schedulers.parallel()}: a 10 MiB body keeps a thread busy for most of a second, and parallel's few
     * threads (one per core) also run Reactor's timers, such as the request deadlines of KeyRotation.
     */
    static final int OFFLOAD_THRESHOLD_BYTES = 64 * 1024;

    private final TokenCounter counter;
    private final TokenCalibration calibration;

    public TokenLimitGatewayFilterFactory(TokenCounter counter, TokenCalibration calibration) {
        super(Config.class);
        this.counter = counter;
        this.calibration = calibration;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of(MAX_TOKENS_KEY);
    }

    @Override
    public GatewayFilter apply(Config config) {
        config.validate();
        return new GatewayFilter() {
            @Override
            public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
                return limit(exchange, chain, config);
            }

            @Override
            public String toString() {
                return GatewayToStringStyler.filterToStringCreator(TokenLimitGatewayFilterFactory.this)
                        .append(MAX_TOKENS_KEY, config.getMaxTokens())
                        .append("calibrationFactor", config.getCalibrationFactor())
                        .append("autoCalibrate", config.isAutoCalibrate())
                        .toString();
            }
        };
    }

    private Mono<Void> limit(ServerWebExchange exchange, GatewayFilterChain chain, Config config) {
        ServerHttpRequest request = exchange.getRequest();
        Surface surface = GatewayErrors.surfaceOf(exchange);
        exchange.getAttributes().putIfAbsent(GeminiExchangeAttributes.SURFACE, surface);
        if (!mayHaveBody(request)) {
            String model;
            try {
                model = RequestModel.find(request.getPath().value(), null);
            }
            catch (InvalidModelException ex) {
                // Read what the client sent first (a GET may carry a body): an answer that leaves it unread on a
                // keep-alive connection stalls the next request on that connection.
                return RequestBodyCache.read(exchange, config.getMaxBodyBytes())
                        .onErrorResume(BodyTooLargeException.class, tooLarge -> Mono.just(new byte[0]))
                        .then(Mono.defer(() -> GatewayErrors.write(exchange, HttpStatus.BAD_REQUEST, ex.getReason(),
                                "invalid_request_error")));
            }
            if (model != null) {
                exchange.getAttributes().putIfAbsent(GeminiExchangeAttributes.MODEL, model);
            }
            return chain.filter(exchange);
        }
        return RequestBodyCache.read(exchange, config.getMaxBodyBytes())
                .flatMap(body -> body.length > OFFLOAD_THRESHOLD_BYTES
                        ? Mono.fromCallable(() -> inspect(exchange, surface, body, config))
                                .subscribeOn(Schedulers.boundedElastic())
                        // small: inspected right here (an exception still becomes the Mono's error)
                        : Mono.just(inspect(exchange, surface, body, config)))
                .onErrorResume(BodyTooLargeException.class, ex -> Mono.just(Verdict.reject(HttpStatus.CONTENT_TOO_LARGE,
                        "Request body too large: more than " + ex.maxBytes() + " bytes", "invalid_request_error")))
                .flatMap(verdict -> verdict.rejected()
                        ? GatewayErrors.write(exchange, verdict.status(), verdict.message(), verdict.openAiType())
                        : chain.filter(exchange.mutate()
                                .request(RequestBodyCache.replay(exchange, exchange.getRequest()))
                                .build()));
    }

    private Verdict inspect(ServerWebExchange exchange, Surface surface, byte[] body, Config config) {
        if (body.length == 0) {
            return Verdict.pass(body);
        }
        JsonNode json;
        try {
            json = counter.parse(body);
        }
        catch (MalformedRequestBodyException ex) {
            return Verdict.reject(HttpStatus.BAD_REQUEST, ex.getMessage(), "invalid_request_error");
        }
        String model;
        try {
            model = RequestModel.findParsed(exchange.getRequest().getPath().value(), json);
        }
        catch (InvalidModelException ex) {
            return Verdict.reject(HttpStatus.BAD_REQUEST, ex.getReason(), "invalid_request_error");
        }
        if (model != null) {
            exchange.getAttributes().putIfAbsent(GeminiExchangeAttributes.MODEL, model);
        }
        // Exact o200k counting only where the limit could be reached; below it the estimate is by text length.
        TokenEstimate estimate = counter.estimate(surface, json, config.getPerImageTokens(), factor(config, model),
                config.getMaxTokens());
        exchange.getAttributes().put(TokenEstimate.EXCHANGE_ATTRIBUTE, estimate);
        exchange.getAttributes().put(GeminiExchangeAttributes.ESTIMATED_TOKENS, estimate.totalTokens());
        if (estimate.totalTokens() > config.getMaxTokens()) {
            return Verdict.reject(HttpStatus.BAD_REQUEST, "Request body too large: " + estimate.totalTokens()
                    + " tokens (max: " + config.getMaxTokens() + ")", "validation_error");
        }
        return Verdict.pass(body);
    }

    /** With autoCalibrate, the factor learned for the model replaces the configured one once it has enough samples. */
    private double factor(Config config, String model) {
        if (config.isAutoCalibrate() && calibration != null) {
            return calibration.factorFor(model).orElse(config.getCalibrationFactor());
        }
        return config.getCalibrationFactor();
    }

    private static boolean mayHaveBody(ServerHttpRequest request) {
        HttpMethod method = request.getMethod();
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)) {
            return false;
        }
        return request.getHeaders().getContentLength() != 0;
    }

    /** Either the body to forward, or the error to answer. */
    private record Verdict(byte[] body, HttpStatus status, String message, String openAiType) {

        static Verdict pass(byte[] body) {
            return new Verdict(body, null, null, null);
        }

        static Verdict reject(HttpStatus status, String message, String openAiType) {
            return new Verdict(null, status, message, openAiType);
        }

        boolean rejected() {
            return status != null;
        }
    }

    public static class Config {

        /** Default cap on the body read into memory; larger bodies are answered 413 without being read further. */
        public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

        /**
         * Gemini's documented figure for one image up to 384 px on both sides (ai.google.dev/gemini-api/docs/tokens);
         * larger images are tiled at 258 tokens a tile, audio is 32 tokens a second and video 263 a second, so this is
         * a floor, an estimate per media item rather than a count.
         */
        public static final int DEFAULT_PER_IMAGE_TOKENS = 258;

        private long maxTokens;
        private double calibrationFactor = 1.0;
        private int perImageTokens = DEFAULT_PER_IMAGE_TOKENS;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private boolean autoCalibrate;

        public long getMaxTokens() {
            return maxTokens;
        }

        public Config setMaxTokens(long maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public double getCalibrationFactor() {
            return calibrationFactor;
        }

        /** Multiplies the o200k estimate, e.g. 1.1 when Gemini's tokenizer counts 10% more on your traffic. */
        public Config setCalibrationFactor(double calibrationFactor) {
            this.calibrationFactor = calibrationFactor;
            return this;
        }

        public int getPerImageTokens() {
            return perImageTokens;
        }

        /** Tokens counted for each image, audio, video or file part instead of tokenizing its data. */
        public Config setPerImageTokens(int perImageTokens) {
            this.perImageTokens = perImageTokens;
            return this;
        }

        public long getMaxBodyBytes() {
            return maxBodyBytes;
        }

        public Config setMaxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public boolean isAutoCalibrate() {
            return autoCalibrate;
        }

        /** Learn the factor per model from the usage Gemini reports (see TokenCalibration). */
        public Config setAutoCalibrate(boolean autoCalibrate) {
            this.autoCalibrate = autoCalibrate;
            return this;
        }

        void validate() {
            Assert.isTrue(maxTokens > 0, "TokenLimit: maxTokens must be positive");
            Assert.isTrue(calibrationFactor > 0 && !Double.isInfinite(calibrationFactor),
                    "TokenLimit: calibrationFactor must be a positive number");
            Assert.isTrue(perImageTokens >= 0, "TokenLimit: perImageTokens cannot be negative");
            Assert.isTrue(maxBodyBytes > 0, "TokenLimit: maxBodyBytes must be positive");
        }
    }
}
