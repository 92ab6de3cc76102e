package dev.geminigateway.simulator.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.simulator.RecordedRequest;
import dev.geminigateway.simulator.cache.ImplicitCache;
import dev.geminigateway.simulator.state.SimulatorState;
import dev.geminigateway.simulator.state.StreamSettings;
import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.QuotaShapes;
import dev.geminigateway.simulator.wire.RequestErrors;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulator's own JSON API under /__sim/ (documented in gemini-simulator/README.md). Not counted, not
 * recorded. It returns raw keys, which is fine for a test double holding fake keys; nothing here logs them.
 */
public final class ControlApi {

    public static final String PREFIX = "/__sim/";

    private final SimulatorState state;
    private final ReplyWriter writer = new ReplyWriter();

    public ControlApi(SimulatorState state) {
        this.state = state;
    }

    public Mono<Void> handle(String method, QueryStringDecoder uri, byte[] body, HttpServerResponse response) {
        Reply reply;
        try {
            reply = route(method, uri.path().substring(PREFIX.length()), uri, body);
        } catch (IllegalArgumentException | NullPointerException e) {
            reply = problem(400, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return writer.write(response, reply, Duration.ZERO);
    }

    private Reply route(String method, String path, QueryStringDecoder uri, byte[] body) {
        boolean get = method.equals("GET");
        boolean write = method.equals("POST") || method.equals("PUT");
        boolean delete = method.equals("DELETE");
        JsonNode json = write && body.length > 0 ? Json.parseOrNull(body) : Json.object();
        if (json == null) return problem(400, "body is not JSON");
        switch (path) {
            case "health":
                return ok(Json.object().put("status", "UP"));
            case "keys":
                if (get) return ok(keys());
                if (write) {
                    for (JsonNode k : json.isArray() ? json : List.of(json)) {
                        state.keys().put(text(k, "key"), k.path("project").asString(text(k, "key")),
                                KeyStatus.valueOf(k.path("status").asString("VALID").toUpperCase(Locale.ROOT)));
                    }
                    return ok(keys());
                }
                if (delete) {
                    state.keys().clear();
                    return ok(keys());
                }
                break;
            case "quotas":
                if (get) return ok(quotas());
                if (write) {
                    for (JsonNode q : json.isArray() ? json : List.of(json)) {
                        Quota quota = q.path("unavailable").asBoolean(false) ? Quota.unavailable()
                                : new Quota(q.path("rpm").asInt(Integer.MAX_VALUE),
                                q.path("tpm").asLong(Long.MAX_VALUE), q.path("rpd").asInt(Integer.MAX_VALUE));
                        state.quotas().set(q.path("project").asString("*"), q.path("model").asString("*"), quota);
                    }
                    return ok(quotas());
                }
                break;
            case "faults":
                if (get) return ok(faults());
                if (write) {
                    for (JsonNode f : json.isArray() ? json : List.of(json)) state.faults().add(fault(f));
                    return ok(faults());
                }
                if (delete) {
                    state.faults().clear();
                    return ok(faults());
                }
                break;
            case "clock":
                if (write) {
                    if (json.hasNonNull("scale")) state.clock().setScale(json.get("scale").asDouble());
                    if (json.hasNonNull("now")) state.clock().setNow(Instant.parse(json.get("now").asString()));
                }
                if (get || write) return ok(clock());
                break;
            case "streaming":
                if (write) {
                    StreamSettings current = state.streaming();
                    state.streaming(new StreamSettings(json.path("chunks").asInt(current.chunks()),
                            Duration.ofMillis(json.path("intervalMs").asLong(current.interval().toMillis()))));
                }
                if (get || write) return ok(streaming());
                break;
            case "counters":
                if (get) return ok(counters());
                break;
            case "cache":
                if (write) {
                    if (json.hasNonNull("ttlSeconds")) {
                        state.implicitCache().ttl(Duration.ofSeconds(json.get("ttlSeconds").asLong()));
                    }
                    if (json.hasNonNull("enabled")) state.implicitCache().enabled(json.get("enabled").asBoolean());
                }
                if (get || write) return ok(cache());
                break;
            case "requests":
                if (get) return ok(requests(NativeApi.parseInt(first(uri, "limit"), 100)));
                break;
            case "reset":
                if (write) {
                    state.reset();
                    return ok(Json.object().put("reset", true));
                }
                break;
            default:
                if (delete && path.startsWith("keys/")) {
                    boolean removed = state.keys().remove(path.substring(5));
                    return removed ? ok(keys()) : problem(404, "no such key");
                }
                return problem(404, "unknown control path /__sim/" + path);
        }
        return problem(405, method + " not allowed on /__sim/" + path);
    }

    static Fault fault(JsonNode f) {
        String type = text(f, "type").toLowerCase(Locale.ROOT).replace('-', '_');
        Fault fault = switch (type) {
            case "status" -> Fault.status(f.path("status").asInt(503));
            case "bare429", "bare_429" -> Fault.bare429();
            case "reset", "connection_reset" -> Fault.connectionReset();
            case "latency" -> Fault.latency(Duration.ofMillis(f.path("latencyMs").asLong(0)));
            case "mid_stream_error", "midstream" -> Fault.midStreamError(f.path("afterEvents").asInt(1))
                    .withStatus(f.path("status").asInt(503));
            case "error" -> f.has("name") ? Fault.error(named(f.get("name").asString(), f))
                    : Fault.error(f.path("status").asInt(403), f.path("body").toString());
            case "blocked_prompt" -> Fault.blockedPrompt(f.path("reason").asString("SAFETY"));
            case "finish_reason" -> Fault.finishReason(f.path("reason").asString("MAX_TOKENS"));
            case "usage_in_every_chunk" -> Fault.usageInEveryChunk();
            default -> throw new IllegalArgumentException("unknown fault type: " + type);
        };
        if (f.hasNonNull("key")) fault = fault.forKey(f.get("key").asString());
        if (f.hasNonNull("project")) fault = fault.forProject(f.get("project").asString());
        if (f.hasNonNull("model")) fault = fault.forModel(f.get("model").asString());
        if (f.hasNonNull("times")) fault = fault.times(f.get("times").asInt());
        if (f.hasNonNull("probability")) fault = fault.probability(f.get("probability").asDouble());
        return fault;
    }

    /** Gemini's bodies by name, so a script need not spell them out. */
    private static ApiError named(String name, JsonNode f) {
        String model = f.path("model").asString("gemini-2.5-flash");
        return switch (name) {
            case "location-not-supported" -> RequestErrors.locationNotSupported();
            case "prepaid-credits-depleted" -> QuotaShapes.prepaidCreditsDepleted();
            case "quota-without-details" -> QuotaShapes.exceededWithoutDetails();
            case "not-on-tier" -> QuotaShapes.notOnTier(model, QuotaShapes.tier(f.path("tier").asString("free")));
            case "day-quota", "minute-quota", "token-quota" -> QuotaShapes.quota(List.of(new QuotaShapes.Violation(
                    name.startsWith("day") ? QuotaShapes.Limit.REQUESTS_PER_DAY : name.startsWith("minute")
                            ? QuotaShapes.Limit.REQUESTS_PER_MINUTE : QuotaShapes.Limit.INPUT_TOKENS_PER_MINUTE,
                    QuotaShapes.tier(f.path("tier").asString("free")), f.path("embedding").asBoolean(false),
                    f.hasNonNull("quotaValue") ? f.get("quotaValue").asString() : null)), model,
                    Duration.ofSeconds(f.path("retrySeconds").asLong(30)));
            case "service-unavailable" -> GeminiErrors.serviceUnavailable();
            case "model-overloaded" -> GeminiErrors.serverError(503);
            default -> throw new IllegalArgumentException("unknown error name: " + name);
        };
    }

    private ObjectNode keys() {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("keys");
        state.keys().snapshot().forEach((key, entry) -> {
            ObjectNode k = list.addObject();
            k.put("key", key);
            k.put("project", entry.project());
            k.put("status", entry.status().name());
        });
        return out;
    }

    private ObjectNode quotas() {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("quotas");
        state.quotas().snapshot().forEach((id, quota) -> {
            int sep = id.indexOf('\u0000');
            ObjectNode q = list.addObject();
            q.put("project", id.substring(0, sep));
            q.put("model", id.substring(sep + 1));
            q.put("rpm", quota.rpm());
            q.put("tpm", quota.tpm());
            q.put("rpd", quota.rpd());
        });
        return out;
    }

    private ObjectNode faults() {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("faults");
        for (Fault fault : state.faults().active()) {
            ObjectNode f = list.addObject();
            f.put("type", fault.kind().name());
            if (fault.status() > 0) f.put("status", fault.status());
            if (fault.model() != null) f.put("model", fault.model());
            if (fault.project() != null) f.put("project", fault.project());
            if (fault.reason() != null) f.put("reason", fault.reason());
            if (fault.key() != null) f.put("key", fault.key());
            if (fault.times() != Fault.UNLIMITED) f.put("times", fault.times());
            f.put("probability", fault.probability());
            if (!fault.latency().isZero()) f.put("latencyMs", fault.latency().toMillis());
            if (fault.kind() == Fault.Kind.MID_STREAM_ERROR) f.put("afterEvents", fault.afterEvents());
        }
        return out;
    }

    private ObjectNode clock() {
        ObjectNode out = Json.object();
        out.put("now", state.clock().now().toString());
        out.put("scale", state.clock().scale());
        return out;
    }

    private ObjectNode streaming() {
        ObjectNode out = Json.object();
        out.put("chunks", state.streaming().chunks());
        out.put("intervalMs", state.streaming().interval().toMillis());
        return out;
    }

    private ObjectNode counters() {
        ObjectNode out = Json.object();
        out.put("total", state.counters().total());
        putAll(out.putObject("byKey"), state.counters().keys());
        putAll(out.putObject("byProject"), state.counters().projects());
        putAll(out.putObject("byModel"), state.counters().models());
        putAll(out.putObject("byStatus"), state.counters().statuses());
        return out;
    }

    private ObjectNode cache() {
        ImplicitCache cache = state.implicitCache();
        ObjectNode out = Json.object();
        out.put("enabled", cache.enabled());
        out.put("ttlSeconds", cache.ttl().toSeconds());
        ObjectNode projects = out.putObject("byProject");
        cache.counts().forEach((project, counts) -> projects.putObject(project)
                .put("inputTokens", counts.inputTokens()).put("cachedTokens", counts.cachedTokens()));
        return out;
    }

    private ObjectNode requests(int limit) {
        List<RecordedRequest> all = state.recorder().snapshot();
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("requests");
        for (RecordedRequest r : all.subList(Math.max(0, all.size() - Math.max(0, limit)), all.size())) {
            ObjectNode n = list.addObject();
            n.put("method", r.method());
            n.put("path", r.path());
            n.put("query", r.query());
            n.put("apiKey", r.apiKey());
            n.put("status", r.status());
            ObjectNode headers = n.putObject("headers");
            r.headers().forEach((name, values) -> {
                ArrayNode a = headers.putArray(name);
                values.forEach(a::add);
            });
            n.put("body", r.bodyAsString());
        }
        return out;
    }

    private static void putAll(ObjectNode node, Map<String, Long> values) {
        values.forEach(node::put);
    }

    private static String first(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String text(JsonNode node, String field) {
        if (!node.hasNonNull(field)) throw new IllegalArgumentException("missing '" + field + "'");
        return node.get(field).asString();
    }

    private static Reply ok(ObjectNode body) {
        return Reply.json(200, Json.pretty(body));
    }

    private static Reply problem(int status, String message) {
        return Reply.json(status, Json.pretty(Json.object().put("error", message)));
    }
}
