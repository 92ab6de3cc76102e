package dev.geminigateway.token;

import java.util.List;

import tools.jackson.databind.JsonNode;

/** Lenient navigation helpers: a field of the wrong JSON type is treated as absent, never as an error. */
final class JsonNodes {

    private JsonNodes() {
    }

    /** The elements of an array; nothing for any other node (iterating an object would yield its values). */
    static Iterable<JsonNode> elements(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }

    /** The camelCase field, else its snake_case twin, else a missing node (never null). */
    static JsonNode field(JsonNode node, String camelCase, String snakeCase) {
        JsonNode value = node.get(camelCase);
        if (value == null) {
            value = node.get(snakeCase);
        }
        return value != null ? value : node.path(camelCase);
    }
}
