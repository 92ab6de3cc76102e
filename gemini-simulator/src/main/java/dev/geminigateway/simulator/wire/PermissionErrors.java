package dev.geminigateway.simulator.wire;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.geminigateway.simulator.wire.GeminiErrors.SERVICE;
import static dev.geminigateway.simulator.wire.GeminiErrors.error;
import static dev.geminigateway.simulator.wire.GeminiErrors.wrap;

/**
 * Gemini's 403s about a key's restrictions, its project, or a resource the project cannot see, verbatim where a
 * real body is known (marked [unverified] where not). The invalid, leaked and service-disabled bodies that key
 * statuses answer with are in {@link GeminiErrors}.
 */
public final class PermissionErrors {

    private PermissionErrors() {
    }

    /** The API key's restrictions exclude the Generative Language API (seen on StreamGenerateContent). */
    public static ApiError apiKeyServiceBlocked(String projectNumber, String method) {
        String message = "Requests to this API " + SERVICE + " method google.ai.generativelanguage.v1beta."
                + "GenerativeService." + method + " are blocked.";
        ObjectNode error = error(403, message, "PERMISSION_DENIED");
        ArrayNode details = error.putArray("details");
        ObjectNode metadata = errorInfo(details, "API_KEY_SERVICE_BLOCKED", projectNumber);
        metadata.put("apiName", SERVICE);
        metadata.put("methodName", "google.ai.generativelanguage.v1beta.GenerativeService." + method);
        localized(details, message);
        return wrap(403, error);
    }

    /** The key is suspended; Google's message and containerInfo quote the key itself. */
    public static ApiError consumerSuspended(String projectNumber, String key) {
        String message = "Permission denied: Consumer 'api_key:" + key + "' has been suspended.";
        ObjectNode error = error(403, message, "PERMISSION_DENIED");
        ArrayNode details = error.putArray("details");
        errorInfo(details, "CONSUMER_SUSPENDED", projectNumber).put("containerInfo", "api_key:" + key);
        localized(details, message);
        return wrap(403, error);
    }

    /** The project's billing is off. Message as Google sends it; the details follow SERVICE_DISABLED [unverified]. */
    public static ApiError billingDisabled(String projectNumber) {
        String url = "https://console.developers.google.com/billing/enable?project=" + projectNumber;
        ObjectNode error = error(403, "This API method requires billing to be enabled. Please enable billing on"
                + " project #" + projectNumber + " by visiting " + url + " then retry. If you enabled billing for"
                + " this project recently, wait a few minutes for the action to propagate to our systems and retry.",
                "PERMISSION_DENIED");
        ArrayNode details = error.putArray("details");
        ObjectNode help = details.addObject();
        help.put("@type", "type.googleapis.com/google.rpc.Help");
        ObjectNode link = help.putArray("links").addObject();
        link.put("description", "Google developers console billing");
        link.put("url", url);
        errorInfo(details, "BILLING_DISABLED", projectNumber);
        return wrap(403, error);
    }

    /** The key's IP restriction excludes the caller; the message quotes the caller's address. */
    public static ApiError ipAddressBlocked(String projectNumber, String callerIp) {
        String message = "The provided API key has an IP address restriction. The originating IP address of the"
                + " call (" + callerIp + ") violates this restriction.";
        ObjectNode error = error(403, message, "PERMISSION_DENIED");
        errorInfo(error.putArray("details"), "API_KEY_IP_ADDRESS_BLOCKED", projectNumber);
        return wrap(403, error);
    }

    /** The key's HTTP referrer restriction excludes the caller (a server sends no referrer). */
    public static ApiError referrerBlocked(String projectNumber) {
        ObjectNode error = error(403, "Requests from referer <empty> are blocked.", "PERMISSION_DENIED");
        errorInfo(error.putArray("details"), "API_KEY_HTTP_REFERRER_BLOCKED", projectNumber);
        return wrap(403, error);
    }

    /** A file the key's project cannot read (another project's, expired, or never uploaded): no details. */
    public static ApiError fileDenied(String fileId) {
        return wrap(403, error(403, "You do not have permission to access the File " + fileId
                + " or it may not exist.", "PERMISSION_DENIED"));
    }

    /** A {@code cachedContents/…} of another project, or one that expired. */
    public static ApiError cachedContentDenied() {
        return wrap(403, error(403, "CachedContent not found (or permission denied)", "PERMISSION_DENIED"));
    }

    /** A tuned model of another project. */
    public static ApiError tunedModelDenied(String name) {
        return wrap(403, error(403, "You do not have permission to access tuned model tunedModels/" + name,
                "PERMISSION_DENIED"));
    }

    /** A 403 that names no cause at all (Google's generic text). */
    public static ApiError permissionDenied() {
        return wrap(403, error(403, "The caller does not have permission", "PERMISSION_DENIED"));
    }

    /** Adds an ErrorInfo with Google's usual metadata; returns the metadata for more entries. */
    private static ObjectNode errorInfo(ArrayNode details, String reason, String projectNumber) {
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", reason);
        info.put("domain", "googleapis.com");
        ObjectNode metadata = info.putObject("metadata");
        metadata.put("consumer", "projects/" + projectNumber);
        metadata.put("service", SERVICE);
        return metadata;
    }

    private static void localized(ArrayNode details, String message) {
        ObjectNode localized = details.addObject();
        localized.put("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
        localized.put("locale", "en-US");
        localized.put("message", message);
    }
}
