package dev.geminigateway.outcome;

import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * What in a 4xx body is evidence about the key (or its project) rather than about the request. Google names the
 * cause in {@code ErrorInfo.reason}; a few key-level answers come without details and are known by their message.
 * Anything else is not the key's fault, however the status reads.
 */
final class KeyEvidence {

    /** ErrorInfo reasons that describe the key or its project, with the kind each one means. */
    private static final Map<String, OutcomeKind> REASONS = Map.of(
            "API_KEY_INVALID", OutcomeKind.KEY_INVALID,
            "API_KEY_SERVICE_BLOCKED", OutcomeKind.KEY_FORBIDDEN,
            "API_KEY_IP_ADDRESS_BLOCKED", OutcomeKind.KEY_FORBIDDEN,
            "API_KEY_HTTP_REFERRER_BLOCKED", OutcomeKind.KEY_FORBIDDEN,
            "CONSUMER_SUSPENDED", OutcomeKind.KEY_FORBIDDEN,
            "SERVICE_DISABLED", OutcomeKind.PROJECT_DISABLED,
            "BILLING_DISABLED", OutcomeKind.PROJECT_DISABLED);

    /** Lower-case fragments of messages about a file, a cached content or a tuned model. */
    private static final String[] RESOURCE_MESSAGES = {"permission to access", "or it may not exist",
            "cachedcontent", "cached content", "tunedmodels/", "tuned model", "files/", "the file "};

    private KeyEvidence() {
    }

    /** The key-level outcome this body proves, or null when it proves nothing about the key. */
    static UpstreamOutcome of(int status, JsonNode error, String message) {
        String reason = keyReason(error);
        if (reason != null) {
            return UpstreamOutcome.of(REASONS.get(reason), status, reason);
        }
        // Sent without details (the compat surface and older answers drop them): known by their text.
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("reported as leaked")) {
            return UpstreamOutcome.of(OutcomeKind.KEY_FORBIDDEN, status, "key reported as leaked");
        }
        if (text.contains("consumer 'api_key:") && text.contains("has been suspended")) {
            return UpstreamOutcome.of(OutcomeKind.KEY_FORBIDDEN, status, "CONSUMER_SUSPENDED");
        }
        if (text.contains("has not been used in project") && text.contains("disabled")) {
            return UpstreamOutcome.of(OutcomeKind.PROJECT_DISABLED, status, "SERVICE_DISABLED");
        }
        if (text.contains("requires billing to be enabled")) {
            return UpstreamOutcome.of(OutcomeKind.PROJECT_DISABLED, status, "BILLING_DISABLED");
        }
        return null;
    }

    /** Whether the message is about a resource the request names (a file, cached content, tuned model). */
    static boolean namesResource(String message) {
        String text = message.toLowerCase(Locale.ROOT);
        for (String fragment : RESOURCE_MESSAGES) {
            if (text.contains(fragment)) {
                return true;
            }
        }
        return false;
    }

    /** The first {@code details[].reason} (ErrorInfo) that is about the key or its project, or null. */
    private static String keyReason(JsonNode error) {
        if (error == null) {
            return null;
        }
        for (JsonNode detail : error.path("details")) {
            String reason = detail.path("reason").asString(null);
            if (reason != null && REASONS.containsKey(reason)) {
                return reason;
            }
        }
        return null;
    }
}
