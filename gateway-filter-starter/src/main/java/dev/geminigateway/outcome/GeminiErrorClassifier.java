package dev.geminigateway.outcome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Classifies an upstream answer by the body Gemini sent, not by the status alone: {@code details[].reason} for
 * keys ({@link KeyEvidence}), {@code QuotaFailure.quotaId} and {@code quotaValue} for quotas,
 * {@code RetryInfo.retryDelay} for how long. A 403 is the key's fault only with key-level evidence; one about a
 * resource is the request's, and one that says neither is only a suspicion. The OpenAI surface wraps the same
 * body in a one-element list; that list is unwrapped first.
 */
public class GeminiErrorClassifier {

    /** Used when a per-minute 429 carries no retryDelay. */
    static final Duration DEFAULT_MINUTE_COOLDOWN = Duration.ofSeconds(60);
    /** A project whose model has quotaValue "0" is not asked again for that model for this long. */
    static final Duration MODEL_UNAVAILABLE_COOLDOWN = Duration.ofHours(6);
    /**
     * A project whose prepaid credits are used up rests this long, every model: an operator tops it up and clears
     * the cooldown (admin endpoint), or the next request after it finds out whether the money came.
     */
    static final Duration BILLING_COOLDOWN = Duration.ofHours(1);

    private final JsonMapper json;
    private final Clock clock;

    public GeminiErrorClassifier(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    public UpstreamOutcome classify(int status, byte[] body) {
        if (status >= 200 && status < 300) {
            return UpstreamOutcome.success(status);
        }
        JsonNode error = errorOf(body);
        String message = error == null ? "" : error.path("message").asString("");
        if (status >= 400 && status < 500 && status != 429) {
            UpstreamOutcome keyLevel = KeyEvidence.of(status, error, message);
            if (keyLevel != null) {
                return keyLevel;
            }
            if (KeyEvidence.namesResource(message)) {
                return UpstreamOutcome.of(OutcomeKind.RESOURCE_DENIED, status, "resource denied or not found");
            }
        }
        if (status == 400 && message.toLowerCase(Locale.ROOT).contains("user location is not supported")) {
            return UpstreamOutcome.of(OutcomeKind.EGRESS_LOCATION, status, "egress location not supported by Gemini");
        }
        return switch (status) {
            case 400 -> UpstreamOutcome.of(OutcomeKind.CLIENT_ERROR, status, reasonOrStatus(error, "bad request"));
            // 401 means the credential was sent the wrong way (e.g. Bearer on a native path): a gateway bug, not a bad key.
            case 401 -> UpstreamOutcome.of(OutcomeKind.CLIENT_ERROR, status, "unauthenticated");
            case 403 -> UpstreamOutcome.of(OutcomeKind.KEY_SUSPECT, status, "permission denied without a reason");
            case 429 -> quota(status, error, message);
            case 408 -> UpstreamOutcome.of(OutcomeKind.TRANSPORT, status, "upstream request timeout");
            default -> status >= 500
                    ? UpstreamOutcome.of(OutcomeKind.SERVER_ERROR, status, reasonOrStatus(error, "server error " + status))
                    : UpstreamOutcome.of(OutcomeKind.CLIENT_ERROR, status, reasonOrStatus(error, "client error " + status));
        };
    }

    private UpstreamOutcome quota(int status, JsonNode error, String message) {
        Instant now = clock.instant();
        JsonNode violation = null;
        Duration retryDelay = null;
        boolean legacyRateLimit = false;
        if (error != null) {
            for (JsonNode detail : error.path("details")) {
                String type = detail.path("@type").asString("");
                if (type.endsWith("google.rpc.QuotaFailure")) {
                    violation = pickViolation(detail.path("violations"));
                }
                else if (type.endsWith("google.rpc.RetryInfo")) {
                    retryDelay = parseDuration(detail.path("retryDelay").asString(null));
                }
                else if ("RATE_LIMIT_EXCEEDED".equals(detail.path("reason").asString(null))) {
                    legacyRateLimit = true;
                }
            }
        }
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("prepayment credits are depleted")) {
            return new UpstreamOutcome(OutcomeKind.BILLING_EXHAUSTED, status, now.plus(BILLING_COOLDOWN), -1, null,
                    "prepaid credits depleted");
        }
        if (violation == null && !legacyRateLimit) {
            if (text.contains("exceeded your current quota")) {
                // The project's own quota, but no limit named: rest the project for the model as for a minute limit.
                Duration wait = retryDelay != null ? retryDelay : parseRetryFromMessage(message);
                return new UpstreamOutcome(OutcomeKind.MINUTE_QUOTA, status,
                        now.plus(wait != null ? wait : DEFAULT_MINUTE_COOLDOWN), -1, null, "quota exceeded, no limit named");
            }
            // No QuotaFailure: shared capacity or throttling, not this project's quota.
            return new UpstreamOutcome(OutcomeKind.CAPACITY, status, null, -1, null,
                    message.isEmpty() ? "resource exhausted" : "capacity: " + truncate(message));
        }
        String quotaId = violation == null ? "" : violation.path("quotaId").asString("");
        long limit = parseLimit(violation);
        if (limit == 0 || anyLimitZero(error)) {
            return new UpstreamOutcome(OutcomeKind.MODEL_UNAVAILABLE, status, now.plus(MODEL_UNAVAILABLE_COOLDOWN), 0,
                    quotaId, "model not available on this tier (quotaValue 0)");
        }
        String id = quotaId.toLowerCase(Locale.ROOT);
        if (id.contains("perday")) {
            return new UpstreamOutcome(OutcomeKind.DAY_QUOTA, status, PacificDay.nextMidnight(now), limit, quotaId,
                    "daily quota exhausted");
        }
        Duration wait = retryDelay != null ? retryDelay : parseRetryFromMessage(message);
        Instant until = now.plus(wait != null ? wait : DEFAULT_MINUTE_COOLDOWN);
        if (id.contains("token")) {
            return new UpstreamOutcome(OutcomeKind.TOKEN_QUOTA, status, until, limit, quotaId, "input-token quota exhausted");
        }
        return new UpstreamOutcome(OutcomeKind.MINUTE_QUOTA, status, until, limit, quotaId, "request quota exhausted");
    }

    /** One body may carry several violations; a day limit outlasts a minute one, so it wins. */
    private static JsonNode pickViolation(JsonNode violations) {
        JsonNode picked = null;
        for (JsonNode v : violations) {
            if (picked == null || v.path("quotaId").asString("").toLowerCase(Locale.ROOT).contains("perday")) {
                picked = v;
            }
        }
        return picked;
    }

    /** A limit of 0 in any violation means no request of this model can ever pass on this tier. */
    private static boolean anyLimitZero(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            for (JsonNode v : detail.path("violations")) {
                if (parseLimit(v) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long parseLimit(JsonNode violation) {
        if (violation == null) {
            return -1;
        }
        String value = violation.path("quotaValue").asString(null);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        }
        catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Protobuf Duration text such as {@code "58s"} or {@code "1.5s"}. */
    static Duration parseDuration(String text) {
        if (text == null || !text.endsWith("s")) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(text.substring(0, text.length() - 1));
            return Duration.ofMillis((long) Math.ceil(seconds * 1000));
        }
        catch (NumberFormatException e) {
            return null;
        }
    }

    /** "Please retry in 58.821668433s." in the message, when RetryInfo is absent. */
    static Duration parseRetryFromMessage(String message) {
        int at = message.indexOf("retry in ");
        if (at < 0) {
            return null;
        }
        int end = message.indexOf('s', at + 9);
        return end < 0 ? null : parseDuration(message.substring(at + 9, end + 1));
    }

    private static String reasonOrStatus(JsonNode error, String fallback) {
        String status = error == null ? null : error.path("status").asString(null);
        return status == null ? fallback : status;
    }

    private static String truncate(String message) {
        return message.length() <= 120 ? message : message.substring(0, 120) + "…";
    }

    /** The {@code error} object of a native body, of the OpenAI surface's one-element list, or null. */
    public JsonNode errorOf(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode root = json.readTree(body);
            if (root.isArray() && root.size() == 1) {
                root = root.get(0);
            }
            JsonNode error = root.path("error");
            return error.isObject() ? error : null;
        }
        catch (RuntimeException e) {
            return null;
        }
    }
}
