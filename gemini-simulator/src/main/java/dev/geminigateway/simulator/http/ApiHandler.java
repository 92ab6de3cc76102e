package dev.geminigateway.simulator.http;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.ArrayList;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.RecordedRequest;
import dev.geminigateway.simulator.cache.PromptPrefix;
import dev.geminigateway.simulator.resources.ResourceAccess;
import dev.geminigateway.simulator.resources.ResourceBook;
import dev.geminigateway.simulator.state.FaultPlan;
import dev.geminigateway.simulator.state.KeyRegistry;
import dev.geminigateway.simulator.state.QuotaViolation;
import dev.geminigateway.simulator.state.SimulatorState;
import dev.geminigateway.simulator.state.StreamSettings;
import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.ModelCatalog;
import dev.geminigateway.simulator.wire.PermissionErrors;
import dev.geminigateway.simulator.wire.RequestErrors;
import dev.geminigateway.simulator.wire.TokenRule;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;

/**
 * The simulated Gemini API. Each request goes through: route → credential → key status → body → model →
 * faults → quota → answer, and is then counted and recorded with the status it got. Nothing here blocks:
 * delays are timers, state is lock-free or held for a few deque operations.
 */
public final class ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    /** Per-request stream overrides (not Gemini headers; the simulator's own). */
    static final String CHUNKS_HEADER = "x-sim-chunks";
    static final String INTERVAL_HEADER = "x-sim-interval-ms";

    private static final int GENERATE_EMBEDDING_DIMENSIONS = 768;

    private final SimulatorState state;
    private final NativeApi nativeApi;
    private final OpenAiApi openAiApi;
    private final ResourceApi resourceApi;
    private final ReplyWriter writer = new ReplyWriter();

    public ApiHandler(SimulatorState state) {
        this.state = state;
        this.nativeApi = new NativeApi(state);
        this.openAiApi = new OpenAiApi(state);
        this.resourceApi = new ResourceApi(state);
    }

    public Mono<Void> handle(HttpServerRequest request, HttpServerResponse response, QueryStringDecoder uri,
                             byte[] body) {
        String method = request.method().name();
        String path = uri.path();
        Map<String, List<String>> headers = headers(request);
        Route route = Route.parse(method, path);
        Call call = new Call(method, path, uri.rawQuery(), headers, uri.parameters(), body, route,
                credential(route, path, headers, uri.parameters()));
        Outcome outcome;
        try {
            outcome = answer(call);
        } catch (RuntimeException e) {
            // a simulator bug must still look like Gemini to the caller; the message never holds the key
            log.warn("simulator error on {} {}: {}", method, path, e.toString());
            outcome = error(call, GeminiErrors.serverError(500));
        }
        int status = outcome.reply.status();
        state.counters().record(call.credential, call.project, call.model, status);
        state.recorder().record(new RecordedRequest(method, path, call.query, headers, body, call.credential, status));
        return writer.write(response, outcome.reply, outcome.latency);
    }

    private record Outcome(Reply reply, Duration latency) {}

    private Outcome answer(Call call) {
        Route route = call.route;
        if (route == null) {
            if (!ResourceApi.isResourcePath(call.path)) {
                return error(call, GeminiErrors.notFound("Method not found."));
            }
            ApiError authError = authenticate(call);
            return authError != null ? error(call, authError) : new Outcome(resourceApi.answer(call), Duration.ZERO);
        }
        // credential and key status come first, as on Gemini
        ApiError authError = authenticate(call);
        if (authError != null) {
            return error(call, authError);
        }
        if (route.model() != null) {
            call.model = route.model();
        }
        if ("POST".equals(call.method)) {
            call.json = Json.parseOrNull(call.body);
            if (call.json == null || !call.json.isObject()) {
                return error(call, GeminiErrors.malformedJson());
            }
            ApiError invalid = RequestChecks.body(call);
            if (invalid == null) {
                invalid = ResourceAccess.check(call.json, call.project, state.resources(), state.clock().now());
            }
            if (invalid != null) {
                return error(call, invalid);
            }
            call.cachedTokens = cachedTokens(call);
        }
        ModelCatalog.Model model = null;
        if (call.model != null) {
            model = state.catalog().find(call.model);
            Operation op = route.operation();
            boolean supported = model != null && (op == Operation.GET_MODEL || op == Operation.COUNT_TOKENS
                    || model.embedding() == op.embedding());
            if (!supported) {
                return error(call, GeminiErrors.modelNotFound(call.model, route.version(),
                        op.method != null ? op.method : "generateContent"));
            }
        }
        if (call.json != null) {
            call.inputTokens = TokenRule.countRequest(call.json) + call.cachedTokens;
            // a prompt longer than the model takes is the request's fault, whatever the key (checked before quota)
            if (model != null && route.operation().metered && !route.operation().embedding()
                    && call.inputTokens > model.inputTokenLimit()) {
                return error(call, RequestErrors.inputTooLong(call.inputTokens, model.inputTokenLimit()));
            }
        }
        FaultPlan faults = state.faults().plan(call.credential, call.project, call.model, call.streaming());
        if (faults.terminal() != null) {
            return new Outcome(faultReply(call, faults.terminal()), faults.latency());
        }
        if (route.operation().metered) {
            List<QuotaViolation> violations = state.quotas().tryAcquire(call.project, call.model, call.inputTokens,
                    state.clock().nowEpochMillis());
            if (!violations.isEmpty()) {
                Duration real = state.clock().toReal(retryDelay(violations));
                return new Outcome(errorReply(call, GeminiErrors.quotaExceeded(violations, call.model,
                        route.operation().embedding(), real)), faults.latency());
            }
        }
        if (call.cachedTokens == 0) {
            // no explicit cached content named: the project's implicit prefix cache may still serve part of it
            call.cachedTokens = implicitlyCached(call);
        }
        return new Outcome(success(call, model, faults.midStream(), faults.shape()), faults.latency());
    }

    private Reply success(Call call, ModelCatalog.Model model, Fault midStream, Fault shape) {
        return switch (call.route.operation()) {
            case LIST_MODELS -> call.surface() == Surface.OPENAI ? openAiApi.listModels() : nativeApi.listModels(call);
            case GET_MODEL -> call.surface() == Surface.OPENAI ? openAiApi.getModel(model) : nativeApi.getModel(model);
            case COUNT_TOKENS -> nativeApi.countTokens(call);
            case GENERATE -> nativeApi.generate(call, model, shape);
            case STREAM -> nativeApi.stream(call, model, streamSettings(call), midStream, shape);
            case EMBED -> nativeApi.embed(call, GENERATE_EMBEDDING_DIMENSIONS);
            case BATCH_EMBED -> nativeApi.batchEmbed(call, GENERATE_EMBEDDING_DIMENSIONS);
            case CHAT -> call.streaming() ? openAiApi.chatStream(call, model, streamSettings(call), midStream, shape)
                    : openAiApi.chat(call, model, shape);
            case EMBEDDINGS -> openAiApi.embeddings(call, GENERATE_EMBEDDING_DIMENSIONS);
        };
    }

    /** Generation requests only; one naming an explicit cached content is served from that instead. */
    private long implicitlyCached(Call call) {
        Operation op = call.route.operation();
        if ((op != Operation.GENERATE && op != Operation.STREAM && op != Operation.CHAT) || call.json == null
                || call.json.has("cachedContent") || call.json.has("cached_content")) {
            return 0;
        }
        String prefix = op == Operation.CHAT ? PromptPrefix.openAiText(call.json) : PromptPrefix.nativeText(call.json);
        return state.implicitCache().lookup(call.project, call.model, prefix, call.inputTokens,
                state.clock().nowEpochMillis());
    }

    /** Native: x-goog-api-key or key=, and a Bearer is an OAuth token (401). OpenAI: Bearer only. */
    private ApiError authenticate(Call call) {
        String bearer = bearer(call.header("authorization"));
        if (call.surface() == Surface.NATIVE && bearer != null) {
            return GeminiErrors.bearerOnNative();
        }
        if (call.credential == null) {
            return GeminiErrors.missingKey();
        }
        KeyRegistry.KeyEntry key = state.keys().find(call.credential);
        if (key == null) {
            return GeminiErrors.invalidKey();
        }
        call.project = key.project();
        return switch (key.status()) {
            case VALID -> null;
            case INVALID -> GeminiErrors.invalidKey();
            case LEAKED -> GeminiErrors.leakedKey();
            case SERVICE_DISABLED -> GeminiErrors.serviceDisabled(projectNumber(key.project()));
            case SUSPENDED -> PermissionErrors.consumerSuspended(projectNumber(key.project()), call.credential);
            case GENERATION_BLOCKED -> generationMethod(call) == null ? null
                    : PermissionErrors.apiKeyServiceBlocked(projectNumber(key.project()), generationMethod(call));
        };
    }

    /** The GenerativeService method a generation call names in Gemini's refusals; null for other calls. */
    private static String generationMethod(Call call) {
        if (call.route == null) return null;
        return switch (call.route.operation()) {
            case GENERATE, CHAT -> "GenerateContent"; // the compat surface's method name is [unverified]
            case STREAM -> "StreamGenerateContent";
            case EMBED -> "EmbedContent";
            case BATCH_EMBED, EMBEDDINGS -> "BatchEmbedContents";
            default -> null;
        };
    }

    /** Tokens of the explicit cached content the request names (its owner was checked already), else 0. */
    private long cachedTokens(Call call) {
        JsonNode named = call.json.has("cachedContent") ? call.json.get("cachedContent")
                : call.json.path("cached_content");
        if (!named.isString()) return 0;
        ResourceBook.StoredCache cache = state.resources().cache(
                ResourceAccess.lastSegment(named.asString(), "cachedContents/"), call.project, state.clock().now());
        return cache == null ? 0 : cache.tokens();
    }

    private Reply faultReply(Call call, Fault fault) {
        return switch (fault.kind()) {
            case CONNECTION_RESET -> new Reply.Reset();
            case BARE_429 -> errorReply(call, GeminiErrors.bare429());
            case ERROR -> errorReply(call, fault.error());
            default -> errorReply(call, GeminiErrors.serverError(fault.status()));
        };
    }

    private Outcome error(Call call, ApiError error) {
        return new Outcome(errorReply(call, error), Duration.ZERO);
    }

    /**
     * Native: pretty JSON; for a stream call the content type stays text/event-stream (wire 4.1).
     * OpenAI: the body wrapped in a one-element list (wire 2.8).
     */
    private Reply errorReply(Call call, ApiError error) {
        if (call.surface() == Surface.OPENAI) {
            return Reply.json(error.httpStatus(), Json.pretty(error.openAiBody()));
        }
        boolean stream = call.route != null && call.route.operation() == Operation.STREAM
                && "sse".equals(call.param("alt"));
        return new Reply.Full(error.httpStatus(), stream ? Reply.EVENT_STREAM : Reply.JSON, Json.pretty(error.body()));
    }

    /** The time until every exceeded limit has room, or one window when all of them are 0 (not on the tier). */
    private static Duration retryDelay(List<QuotaViolation> violations) {
        Duration longest = Duration.ZERO;
        boolean anyPositive = false;
        for (QuotaViolation v : violations) {
            if (v.limit() > 0) {
                anyPositive = true;
                if (v.simulatedDelay().compareTo(longest) > 0) longest = v.simulatedDelay();
            }
        }
        return anyPositive ? longest : Duration.ofMinutes(1);
    }

    private StreamSettings streamSettings(Call call) {
        StreamSettings settings = state.streaming();
        int chunks = NativeApi.parseInt(call.header(CHUNKS_HEADER), settings.chunks());
        int interval = NativeApi.parseInt(call.header(INTERVAL_HEADER), (int) settings.interval().toMillis());
        if (chunks == settings.chunks() && interval == settings.interval().toMillis()) return settings;
        return new StreamSettings(Math.max(1, chunks), Duration.ofMillis(Math.max(0, interval)));
    }

    private static String credential(Route route, String path, Map<String, List<String>> headers,
                                     Map<String, List<String>> params) {
        String bearer = bearer(first(headers, "authorization"));
        boolean openAi = route != null ? route.surface() == Surface.OPENAI : Route.isOpenAiPath(path);
        if (openAi) {
            return bearer;
        }
        String key = first(headers, "x-goog-api-key");
        if (key == null) {
            List<String> values = params.get("key");
            key = values == null || values.isEmpty() ? null : values.get(0);
        }
        return key != null ? key : bearer;
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A stable 12-digit project number for SERVICE_DISABLED bodies; a numeric project id is used as is. */
    static String projectNumber(String project) {
        if (!project.isEmpty() && project.chars().allMatch(Character::isDigit)) return project;
        return Long.toString(100_000_000_000L + Math.floorMod(project.hashCode() * 2_654_435_761L, 900_000_000_000L));
    }

    private static Map<String, List<String>> headers(HttpServerRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.requestHeaders().forEach(e -> out.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>(1)).add(e.getValue()));
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }
}
