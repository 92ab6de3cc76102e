package dev.geminigateway.web;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds the model a request names: the native path {@code …/models/{model}:method}, else the top-level
 * {@code model} field of an OpenAI-surface body, with or without a {@code models/} prefix. A name that is not a
 * {@link ModelName} throws {@link InvalidModelException}, so whoever determines the model first refuses the request
 * and nothing after it ever sees an unchecked name.
 */
public final class RequestModel {

    private static final JsonMapper JSON = GatewayJson.MAPPER;

    private RequestModel() {
    }

    /**
     * @return the model, without a {@code models/} prefix, or null when the request names none
     * @throws InvalidModelException when the request names a model that is not a {@link ModelName}
     */
    public static String find(String path, byte[] body) {
        String fromPath = fromPath(path);
        return fromPath != null ? fromPath : fromBody(body);
    }

    /**
     * As {@link #find(String, byte[])}, reading the body's {@code model} from its already parsed tree (TokenLimit's),
     * so the body is not scanned a second time. A body naming the model twice gives the tree's choice, the last.
     */
    public static String findParsed(String path, JsonNode body) {
        String fromPath = fromPath(path);
        if (fromPath != null) {
            return fromPath;
        }
        JsonNode model = body == null ? null : body.get("model");
        return model != null && model.isString() ? strip(valid(model.stringValue())) : null;
    }

    static String fromPath(String path) {
        int at = path.indexOf("/models/");
        if (at < 0) {
            return null;
        }
        int start = at + "/models/".length();
        int end = start;
        while (end < path.length() && path.charAt(end) != ':' && path.charAt(end) != '/') {
            end++;
        }
        return end > start ? valid(path.substring(start, end)) : null;
    }

    /** Streams only the top level of the body, so a large chat is not parsed to find one field. */
    static String fromBody(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
                    return strip(valid(parser.getString()));
                }
                parser.skipChildren();
            }
            return null;
        }
        catch (InvalidModelException e) {
            throw e;
        }
        catch (RuntimeException e) {
            return null;
        }
    }

    private static String valid(String model) {
        if (!ModelName.isValid(model)) {
            throw new InvalidModelException();
        }
        return model;
    }

    private static String strip(String model) {
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }
}
