package dev.geminigateway.simulator.wire;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import dev.geminigateway.simulator.state.QuotaMetric;
import dev.geminigateway.simulator.state.QuotaViolation;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Gemini's error bodies, verbatim where a real body is known (marked [unverified] where not). */
public final class GeminiErrors {

    static final String SERVICE = "generativelanguage.googleapis.com";
    private static final String RATE_LIMITS_DOC = "https://ai.google.dev/gemini-api/docs/rate-limits";

    private GeminiErrors() {
    }

    /** Wire 2.2: unknown, invalid or expired key. */
    public static ApiError invalidKey() {
        String message = "API key not valid. Please pass a valid API key.";
        ObjectNode error = error(400, message, "INVALID_ARGUMENT");
        ArrayNode details = error.putArray("details");
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "API_KEY_INVALID");
        info.put("domain", "googleapis.com");
        info.putObject("metadata").put("service", SERVICE);
        ObjectNode localized = details.addObject();
        localized.put("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
        localized.put("locale", "en-US");
        localized.put("message", message);
        return wrap(400, error);
    }

    /** Wire 2.3: leaked key, no details. */
    public static ApiError leakedKey() {
        return wrap(403, error(403, "Your API key was reported as leaked. Please use another API key.",
                "PERMISSION_DENIED"));
    }

    /** Wire 2.4: the Generative Language API is disabled in the key's project. */
    public static ApiError serviceDisabled(String projectNumber) {
        String url = "https://console.developers.google.com/apis/api/generativelanguage.googleapis.com/overview?project="
                + projectNumber;
        ObjectNode error = error(403, "Generative Language API has not been used in project " + projectNumber
                + " before or it is disabled. Enable it by visiting " + url + " then retry. If you enabled this API"
                + " recently, wait a few minutes for the action to propagate to our systems and retry.",
                "PERMISSION_DENIED");
        ArrayNode details = error.putArray("details");
        ObjectNode help = details.addObject();
        help.put("@type", "type.googleapis.com/google.rpc.Help");
        ObjectNode link = help.putArray("links").addObject();
        link.put("description", "Google developers console API activation");
        link.put("url", url);
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "SERVICE_DISABLED");
        info.put("domain", "googleapis.com");
        ObjectNode metadata = info.putObject("metadata");
        metadata.put("service", SERVICE);
        metadata.put("consumer", "projects/" + projectNumber);
        return wrap(403, error);
    }

    /**
     * Wire 1: a Bearer token on a native path is read as OAuth. The message is the one quoted in the wire
     * doc; the ErrorInfo detail (reason ACCESS_TOKEN_TYPE_UNSUPPORTED) is Google's usual form [unverified].
     */
    public static ApiError bearerOnNative() {
        ObjectNode error = error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token,"
                + " login cookie or other valid authentication credential. See"
                + " https://developers.google.com/identity/sign-in/web/devconsole-project.", "UNAUTHENTICATED");
        ObjectNode info = error.putArray("details").addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "ACCESS_TOKEN_TYPE_UNSUPPORTED");
        info.putObject("metadata").put("service", SERVICE);
        return wrap(401, error);
    }

    /** No credential at all. [unverified]: Google's usual text for keyless calls, not seen in a Gemini issue. */
    public static ApiError missingKey() {
        return wrap(403, error(403, "Method doesn't allow unregistered callers (callers without established"
                + " identity). Please use API Key or other form of API consumer identity to call this API.",
                "PERMISSION_DENIED"));
    }

    /** Wire 2.6: "shared capacity" 429 without details. */
    public static ApiError bare429() {
        return wrap(429, error(429, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED"));
    }

    /** Wire 2.7: 500, 503, 504 (504 text [unverified]); any other code gets its canonical status name. */
    public static ApiError serverError(int status) {
        return switch (status) {
            case 500 -> wrap(500, error(500, "An internal error has occurred. Please retry or report in"
                    + " https://developers.generativeai.google/guide/troubleshooting", "INTERNAL"));
            case 503 -> wrap(503, error(503, "The model is overloaded. Please try again later.", "UNAVAILABLE"));
            case 504 -> wrap(504, error(504, "Deadline expired before operation could complete.",
                    "DEADLINE_EXCEEDED"));
            case 429 -> bare429();
            default -> wrap(status, error(status, "Simulated error " + status + ".", statusName(status)));
        };
    }

    /**
     * The other 503 text Gemini sends when the service (not one model) is down (google-gemini/gemini-cli#11196);
     * {@link #serverError(int) serverError(503)} gives the "model is overloaded" one.
     */
    public static ApiError serviceUnavailable() {
        return wrap(503, error(503, "The service is currently unavailable.", "UNAVAILABLE"));
    }

    /** Wire 4.1: the model does not exist or does not support the method. */
    public static ApiError modelNotFound(String model, String version, String method) {
        return wrap(404, error(404, "models/" + model + " is not found for API version " + version
                + ", or is not supported for " + method + ". Call ListModels to see the list of available models"
                + " and their supported methods.", "NOT_FOUND"));
    }

    public static ApiError notFound(String message) {
        return wrap(404, error(404, message, "NOT_FOUND"));
    }

    public static ApiError invalidArgument(String message) {
        return wrap(400, error(400, message, "INVALID_ARGUMENT"));
    }

    /** Wire 1 and 2.8: an unknown request field, with a google.rpc.BadRequest detail. */
    public static ApiError unknownField(String name) {
        String message = "Invalid JSON payload received. Unknown name \"" + name + "\": Cannot find field.";
        ObjectNode error = error(400, message, "INVALID_ARGUMENT");
        ObjectNode badRequest = error.putArray("details").addObject();
        badRequest.put("@type", "type.googleapis.com/google.rpc.BadRequest");
        badRequest.putArray("fieldViolations").addObject().put("description", message);
        return wrap(400, error);
    }

    public static ApiError malformedJson() {
        return invalidArgument("Invalid JSON payload received. Unexpected token.");
    }

    /**
     * Wire 2.6: 429 RESOURCE_EXHAUSTED with Help, QuotaFailure (one violation per exceeded limit) and RetryInfo.
     * retryDelay is the real time until the request would fit, rounded up to whole seconds; the message carries
     * the fractional value. When every exceeded limit is 0 (model not on the tier) the delay is one window.
     *
     * @param embedding embedding models use EmbedContent* quota ids and embed_content_* metrics [unverified]
     */
    public static ApiError quotaExceeded(List<QuotaViolation> violations, String model, boolean embedding,
                                         Duration realDelay) {
        StringBuilder message = new StringBuilder("You exceeded your current quota, please check your plan and"
                + " billing details. For more information on this error, head to: " + RATE_LIMITS_DOC
                + ". To monitor your current usage, head to: https://ai.dev/rate-limit. ");
        ObjectNode error = error(429, "", "RESOURCE_EXHAUSTED");
        ArrayNode details = error.putArray("details");
        ObjectNode help = details.addObject();
        help.put("@type", "type.googleapis.com/google.rpc.Help");
        ObjectNode link = help.putArray("links").addObject();
        link.put("description", "Learn more about Gemini API quotas");
        link.put("url", RATE_LIMITS_DOC);
        ObjectNode failure = details.addObject();
        failure.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        ArrayNode list = failure.putArray("violations");
        for (QuotaViolation v : violations) {
            String metric = SERVICE + "/" + metricName(v.metric(), embedding);
            ObjectNode violation = list.addObject();
            violation.put("quotaMetric", metric);
            violation.put("quotaId", quotaId(v.metric(), embedding));
            ObjectNode dimensions = violation.putObject("quotaDimensions");
            dimensions.put("location", "global");
            dimensions.put("model", model);
            violation.put("quotaValue", Long.toString(v.limit()));
            message.append("\n* Quota exceeded for metric: ").append(metric).append(", limit: ").append(v.limit())
                    .append(", model: ").append(model);
        }
        ObjectNode retry = details.addObject();
        retry.put("@type", "type.googleapis.com/google.rpc.RetryInfo");
        retry.put("retryDelay", wholeSeconds(realDelay) + "s");
        message.append("\nPlease retry in ").append(fractionalSeconds(realDelay)).append("s.");
        error.put("message", message.toString());
        return wrap(429, error);
    }

    public static String quotaId(QuotaMetric metric, boolean embedding) {
        String prefix = embedding ? "EmbedContent" : "Generate";
        return switch (metric) {
            case REQUESTS_PER_MINUTE -> prefix + "RequestsPerMinutePerProjectPerModel-FreeTier";
            case REQUESTS_PER_DAY -> prefix + "RequestsPerDayPerProjectPerModel-FreeTier";
            case INPUT_TOKENS_PER_MINUTE -> (embedding ? "EmbedContent" : "GenerateContent")
                    + "InputTokensPerModelPerMinute-FreeTier";
        };
    }

    private static String metricName(QuotaMetric metric, boolean embedding) {
        String prefix = embedding ? "embed_content_free_tier_" : "generate_content_free_tier_";
        return prefix + (metric == QuotaMetric.INPUT_TOKENS_PER_MINUTE ? "input_token_count" : "requests");
    }

    static long wholeSeconds(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    static String fractionalSeconds(Duration d) {
        BigDecimal seconds = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        return seconds.stripTrailingZeros().toPlainString();
    }

    static ObjectNode error(int code, String message, String status) {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", message);
        error.put("status", status);
        return error;
    }

    static ApiError wrap(int httpStatus, ObjectNode error) {
        ObjectNode body = Json.object();
        body.set("error", error);
        return new ApiError(httpStatus, body);
    }

    private static String statusName(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "NOT_IMPLEMENTED";
            case 502, 503 -> "UNAVAILABLE";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }
}
