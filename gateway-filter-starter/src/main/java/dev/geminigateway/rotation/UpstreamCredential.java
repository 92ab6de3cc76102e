package dev.geminigateway.rotation;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriComponentsBuilder;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.web.Surface;

/**
 * Where the chosen key goes on the upstream request, by the surface it calls: a bearer token for Gemini's
 * OpenAI-compatible paths, the {@code x-goog-api-key} header for native ones. Whatever credential the client sent
 * (header, bearer or {@code key=} query) is removed first, so it never reaches Gemini.
 */
enum UpstreamCredential {

    BEARER {
        @Override
        void set(HttpHeaders headers, ApiKey key) {
            headers.setBearerAuth(key.secret());
        }
    },
    GOOGLE_KEY_HEADER {
        @Override
        void set(HttpHeaders headers, ApiKey key) {
            headers.set(Surface.GOOGLE_KEY_HEADER, key.secret());
        }
    };

    abstract void set(HttpHeaders headers, ApiKey key);

    /** The request as it goes to Gemini with {@code key}. */
    static ServerHttpRequest place(ServerHttpRequest request, ApiKey key) {
        UpstreamCredential credential = request.getPath().value().contains("/openai/") ? BEARER : GOOGLE_KEY_HEADER;
        ServerHttpRequest.Builder builder = request.mutate().headers(headers -> {
            headers.remove(HttpHeaders.AUTHORIZATION);
            headers.remove(Surface.GOOGLE_KEY_HEADER);
            credential.set(headers, key);
        });
        // Rebuilding the URI is the costly part; it is needed only when a key= parameter may be there (ClientAuth
        // has usually removed it already).
        String query = request.getURI().getRawQuery();
        if (query != null && query.contains(Surface.KEY_QUERY_PARAM + "=")) {
            builder.uri(UriComponentsBuilder.fromUri(request.getURI()).replaceQueryParam(Surface.KEY_QUERY_PARAM)
                    .build(true).toUri());
        }
        return builder.build();
    }
}
