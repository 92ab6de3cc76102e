package dev.geminigateway.web;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Removes what an upstream error body says about the pool before a client sees it: Google names the key's project
 * (SERVICE_DISABLED: "in project 123…", {@code metadata.consumer}, activation links with {@code ?project=}), the
 * key itself (CONSUMER_SUSPENDED: "Consumer 'api_key:AIza…'", {@code metadata.containerInfo}) and the gateway's
 * egress address (API_KEY_IP_ADDRESS_BLOCKED). Works on the native {@code {"error":…}} and on the OpenAI
 * surface's one-element list alike, keeping the shape; a body that is not JSON is left as it is.
 */
final class UpstreamErrorScrubber {

    static final String REDACTED = "[redacted]";

    private static final JsonMapper JSON = GatewayJson.MAPPER;

    /** ErrorInfo metadata entries that identify the consumer (project or key) rather than the error. */
    private static final Set<String> CONSUMER_FIELDS = Set.of("consumer", "containerInfo", "project",
            "projectNumber", "projectId", "activationUrl");

    /** Each pattern's first group is kept and the rest of the match replaced. */
    private static final List<Map.Entry<Pattern, String>> REWRITES = List.of(
            Map.entry(Pattern.compile("AIza[0-9A-Za-z_\\-]{20,}"), REDACTED),
            Map.entry(Pattern.compile("(api_key:)[^'\"\\s,]+"), "$1" + REDACTED),
            Map.entry(Pattern.compile("(projects/)[^/\\s'\",)]+"), "$1" + REDACTED),
            Map.entry(Pattern.compile("([?&]project=)[^&\\s'\"]+"), "$1" + REDACTED),
            Map.entry(Pattern.compile("(?i)(\\bproject\\s+#?)[\\w.-]*\\d[\\w.-]*"), "$1" + REDACTED),
            Map.entry(Pattern.compile("(#)\\d{6,}"), "$1" + REDACTED),
            Map.entry(Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b"), REDACTED));

    private UpstreamErrorScrubber() {
    }

    /** The body with project, consumer, key and address hints replaced; null stays null. */
    public static byte[] scrub(byte[] body) {
        if (body == null || body.length == 0) {
            return body;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        }
        catch (RuntimeException e) {
            return body;
        }
        if (!root.isContainer()) {
            return body;
        }
        return JSON.writeValueAsBytes(clean(root));
    }

    /** Rewrites every string in the tree and drops consumer metadata: a hint may sit in any field. */
    private static JsonNode clean(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(CONSUMER_FIELDS);
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                field.setValue(clean(field.getValue()));
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, clean(array.get(i)));
            }
            return array;
        }
        if (node.isString()) {
            String text = node.asString();
            String scrubbed = scrubText(text);
            return scrubbed.equals(text) ? node : StringNode.valueOf(scrubbed);
        }
        return node;
    }

    static String scrubText(String text) {
        String out = text;
        for (Map.Entry<Pattern, String> rewrite : REWRITES) {
            out = rewrite.getKey().matcher(out).replaceAll(rewrite.getValue());
        }
        return out;
    }
}
