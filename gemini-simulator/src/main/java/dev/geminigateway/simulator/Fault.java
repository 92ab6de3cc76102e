package dev.geminigateway.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.PermissionErrors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fault to inject, immutable and built fluently:
 * <pre>
 * Fault.status(503).times(2)                 // the next 2 matching requests
 * Fault.status(500).forKey("k").probability(0.3)
 * Fault.bare429().times(1)
 * Fault.connectionReset().times(1)
 * Fault.latency(Duration.ofMillis(200))      // every matching request, on top of any other fault
 * Fault.midStreamError(3)                    // 503 error tail after 3 events, streaming requests only
 * Fault.error(PermissionErrors.fileDenied("abc")) // a given status and body, verbatim (wrapped on the OpenAI surface)
 * Fault.finishReason("SAFETY").forProject("p")    // a success shaped otherwise, for every key of project p
 * </pre>
 * Without {@link #times(int)} a fault applies to every matching request until {@code reset()}.
 * A fault matches when its key (the credential as received), project and model filters match and, if a probability is
 * set, the draw succeeds; only then is one of its {@code times} used up.
 */
public final class Fault {

    /** What the fault does. */
    public enum Kind {
        STATUS, BARE_429, CONNECTION_RESET, LATENCY, MID_STREAM_ERROR, ERROR,
        /** A successful answer shaped otherwise: see {@link #blockedPrompt}, {@link #finishReason}, {@link #usageInEveryChunk}. */
        BLOCKED_PROMPT, FINISH_REASON, USAGE_IN_EVERY_CHUNK;

        /** Shapes change a success instead of replacing it; they combine with latency and mid-stream faults. */
        public boolean shapesAnswer() {
            return this == BLOCKED_PROMPT || this == FINISH_REASON || this == USAGE_IN_EVERY_CHUNK;
        }
    }

    public static final int UNLIMITED = -1;

    private final Kind kind;
    private final int status;
    private final String key;
    private final String model;
    private final int times;
    private final double probability;
    private final Duration latency;
    private final int afterEvents;
    private final ApiError error;
    private final String project;
    private final String reason;

    private Fault(Kind kind, int status, String key, String model, int times, double probability,
                  Duration latency, int afterEvents, ApiError error) {
        this(kind, status, key, model, times, probability, latency, afterEvents, error, null, null);
    }

    private Fault(Kind kind, int status, String key, String model, int times, double probability,
                  Duration latency, int afterEvents, ApiError error, String project, String reason) {
        this.kind = kind;
        this.status = status;
        this.key = key;
        this.model = model;
        this.times = times;
        this.probability = probability;
        this.latency = latency;
        this.afterEvents = afterEvents;
        this.error = error;
        this.project = project;
        this.reason = reason;
    }

    /** 500, 503 or 504 with Gemini's body (wire 2.7); other codes get a generic Status body. */
    public static Fault status(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("fault status must be 4xx or 5xx: " + status);
        }
        return new Fault(Kind.STATUS, status, null, null, UNLIMITED, 1.0, Duration.ZERO, 0, null);
    }

    /** 429 "Resource has been exhausted (e.g. check quota)." without details: shared capacity (wire 2.6). */
    public static Fault bare429() {
        return new Fault(Kind.BARE_429, 429, null, null, UNLIMITED, 1.0, Duration.ZERO, 0, null);
    }

    /** The socket is closed (RST) without any response. */
    public static Fault connectionReset() {
        return new Fault(Kind.CONNECTION_RESET, 0, null, null, UNLIMITED, 1.0, Duration.ZERO, 0, null);
    }

    /** Delays the response (first byte) by the given time. */
    public static Fault latency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        return new Fault(Kind.LATENCY, 0, null, null, UNLIMITED, 1.0, latency, 0, null);
    }

    /** After {@code afterEvents} stream events, a 503 error tail in the surface's own form, then the end. */
    public static Fault midStreamError(int afterEvents) {
        if (afterEvents < 0) {
            throw new IllegalArgumentException("afterEvents must be >= 0");
        }
        return new Fault(Kind.MID_STREAM_ERROR, 503, null, null, UNLIMITED, 1.0, Duration.ZERO, afterEvents, null);
    }

    /**
     * Answers with this status and body, verbatim: a native {@code {"error":…}} object, which the OpenAI surface
     * wraps in a one-element list as Gemini does. The bodies Gemini really sends are in {@link GeminiErrors}
     * and {@link PermissionErrors}.
     */
    public static Fault error(ApiError error) {
        Objects.requireNonNull(error, "error");
        return new Fault(Kind.ERROR, error.httpStatus(), null, null, UNLIMITED, 1.0, Duration.ZERO, 0,
                new ApiError(error.httpStatus(), error.body().deepCopy()));
    }

    /** {@link #error(ApiError)} from a status and a JSON body as text. */
    public static Fault error(int status, String body) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("fault status must be 4xx or 5xx: " + status);
        }
        JsonNode json = Json.parseOrNull(body.getBytes(StandardCharsets.UTF_8));
        if (!(json instanceof ObjectNode object)) {
            throw new IllegalArgumentException("an error body must be a JSON object");
        }
        return error(new ApiError(status, object));
    }

    /**
     * A successful generation whose prompt was blocked: no candidates, {@code promptFeedback.blockReason} (e.g.
     * {@code "SAFETY"}, {@code "PROHIBITED_CONTENT"}, {@code "OTHER"}) and usage with the prompt only; on the OpenAI
     * surface an empty message with {@code finish_reason "content_filter"} [unverified].
     */
    public static Fault blockedPrompt(String blockReason) {
        Objects.requireNonNull(blockReason, "blockReason");
        return new Fault(Kind.BLOCKED_PROMPT, 0, null, null, UNLIMITED, 1.0, Duration.ZERO, 0, null, null, blockReason);
    }

    /** A successful generation that ends for another reason than STOP ({@code "MAX_TOKENS"}, {@code "SAFETY"}, ...). */
    public static Fault finishReason(String finishReason) {
        Objects.requireNonNull(finishReason, "finishReason");
        return new Fault(Kind.FINISH_REASON, 0, null, null, UNLIMITED, 1.0, Duration.ZERO, 0, null, null, finishReason);
    }

    /** An OpenAI-surface stream whose every chunk carries {@code usage} as running totals (only the last is final). */
    public static Fault usageInEveryChunk() {
        return new Fault(Kind.USAGE_IN_EVERY_CHUNK, 0, null, null, UNLIMITED, 1.0, Duration.ZERO, 0, null, null, null);
    }

    public Fault forKey(String key) {
        return new Fault(kind, status, key, model, times, probability, latency, afterEvents, error, project, reason);
    }

    /** Every key of this project (as the simulator's key registry assigns it). */
    public Fault forProject(String project) {
        return new Fault(kind, status, key, model, times, probability, latency, afterEvents, error, project, reason);
    }

    /** Model name as in the path or body, with or without "models/". */
    public Fault forModel(String model) {
        String bare = model != null && model.startsWith("models/") ? model.substring(7) : model;
        return new Fault(kind, status, key, bare, times, probability, latency, afterEvents, error, project, reason);
    }

    public Fault times(int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1");
        }
        return new Fault(kind, status, key, model, times, probability, latency, afterEvents, error, project, reason);
    }

    public Fault probability(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be within [0, 1]");
        }
        return new Fault(kind, status, key, model, times, probability, latency, afterEvents, error, project, reason);
    }

    /** The status of a mid-stream error tail (default 503). */
    public Fault withStatus(int status) {
        return new Fault(kind, status, key, model, times, probability, latency, afterEvents, error, project, reason);
    }

    public Kind kind() { return kind; }

    public int status() { return status; }

    public String key() { return key; }

    public String model() { return model; }

    /** The project filter, or null for any. */
    public String project() { return project; }

    /** The block or finish reason of a shaping fault; null for the other kinds. */
    public String reason() { return reason; }

    /** {@link #UNLIMITED} when the fault never runs out. */
    public int times() { return times; }

    public double probability() { return probability; }

    public Duration latency() { return latency; }

    public int afterEvents() { return afterEvents; }

    /** The answer of an {@link Kind#ERROR} fault; null for the other kinds. */
    public ApiError error() { return error; }

    @Override
    public String toString() {
        return "Fault[" + kind + (status > 0 ? " " + status : "") + (model != null ? " model=" + model : "")
                + (project != null ? " project=" + project : "") + (reason != null ? " " + reason : "")
                + (key != null ? " key=<set>" : "") + (times != UNLIMITED ? " times=" + times : "")
                + (probability < 1 ? " p=" + probability : "") + "]";
    }
}
