package dev.geminigateway.simulator.wire;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Gemini error: HTTP status and the {@code {"error":{code,message,status,details?}}} body. The OpenAI surface
 * sends the same body wrapped in a one-element list (wire 2.8): {@link #openAiBody()}.
 */
public record ApiError(int httpStatus, ObjectNode body) {

    public ArrayNode openAiBody() {
        ArrayNode list = Json.array();
        list.add(body);
        return list;
    }

    public String message() {
        return body.path("error").path("message").asString();
    }
}
