package dev.geminigateway.simulator.http;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** One API request as the pipeline sees it; the pipeline fills in what it learns (project, model, tokens). */
final class Call {

    final String method;
    final String path;
    final String query;
    final Map<String, List<String>> headers;
    final Map<String, List<String>> params;
    final byte[] body;
    final Route route;
    /** The credential as received (x-goog-api-key, key= or Bearer), null if none. */
    final String credential;

    String project;
    String model;
    JsonNode json;
    /** Prompt tokens: the request's own plus those of an explicit cached content it names. */
    long inputTokens;
    /** Of {@link #inputTokens}: tokens served from a cache (the explicit one the request names, else the
     * project's implicit prefix cache); 0 for none. */
    long cachedTokens;

    Call(String method, String path, String query, Map<String, List<String>> headers,
         Map<String, List<String>> params, byte[] body, Route route, String credential) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.params = params;
        this.body = body;
        this.route = route;
        this.credential = credential;
    }

    String header(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    String param(String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    Surface surface() {
        return route != null ? route.surface() : Route.isOpenAiPath(path) ? Surface.OPENAI : Surface.NATIVE;
    }

    boolean streaming() {
        return route != null && (route.operation().streaming
                || (route.operation() == Operation.CHAT && json != null && json.path("stream").asBoolean(false)));
    }
}
