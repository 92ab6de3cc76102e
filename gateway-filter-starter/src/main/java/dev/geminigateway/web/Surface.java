package dev.geminigateway.web;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The two API surfaces Gemini serves. Both SDK families call {@code /v1/**}, so the surface is told apart as
 * Gemini's clients use it (ARCHITECTURE.md §8.1): a {@code :method} in the path or a Google-style credential
 * ({@code x-goog-api-key}, {@code key=}) means native; a path under {@code /openai/} or anything else under
 * {@code /v1/} means OpenAI-compatible.
 */
public enum Surface {
    NATIVE("native"),
    OPENAI("openai");

    public static final String GOOGLE_KEY_HEADER = "x-goog-api-key";
    public static final String KEY_QUERY_PARAM = "key";

    private final String tag;

    Surface(String tag) {
        this.tag = tag;
    }

    /** The lower-case name, as meters and the access log show it. */
    public String tag() {
        return tag;
    }

    public static Surface of(ServerHttpRequest request) {
        String path = request.getPath().value();
        if (path.contains("/openai/")) {
            return OPENAI;
        }
        if (hasMethodSuffix(path)
                || request.getHeaders().containsHeader(GOOGLE_KEY_HEADER)
                || request.getQueryParams().containsKey(KEY_QUERY_PARAM)) {
            return NATIVE;
        }
        return path.startsWith("/v1beta/") || path.startsWith("/v1alpha/") ? NATIVE : OPENAI;
    }

    /** {@code /v1/models/gemini-2.5-flash:generateContent} has a method after a colon in its last segment. */
    static boolean hasMethodSuffix(String path) {
        int lastSlash = path.lastIndexOf('/');
        return path.indexOf(':', lastSlash + 1) > 0;
    }
}
