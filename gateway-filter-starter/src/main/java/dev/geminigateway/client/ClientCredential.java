package dev.geminigateway.client;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.geminigateway.web.Surface;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client token as real SDKs send their API key: {@code x-goog-api-key} and {@code ?key=} (Google SDKs, curl
 * examples), {@code Authorization: Bearer} (OpenAI SDKs). {@link #strip} removes all three places, so a client's
 * credential never travels upstream.
 *
 * @param value the token as presented
 * @param place where it was found
 */
record ClientCredential(String value, Place place) {

    private static final String BEARER = "bearer ";

    /** Where a credential sits, in the order they are looked at. */
    public enum Place {
        GOOGLE_HEADER, QUERY_PARAM, BEARER
    }

    /**
     * The first credential found, looking at {@code x-goog-api-key}, then {@code key=}, then a Bearer token. Only one
     * is checked, so a request cannot try several guesses at once.
     */
    public static Optional<ClientCredential> find(ServerHttpRequest request) {
        String google = request.getHeaders().getFirst(Surface.GOOGLE_KEY_HEADER);
        if (google != null && !google.isBlank()) {
            return Optional.of(new ClientCredential(google.trim(), Place.GOOGLE_HEADER));
        }
        // parsing the query parameters costs a map per request; most requests have no query at all
        String query = request.getURI().getRawQuery() == null ? null
                : request.getQueryParams().getFirst(Surface.KEY_QUERY_PARAM);
        if (query != null && !query.isBlank()) {
            return Optional.of(new ClientCredential(query.trim(), Place.QUERY_PARAM));
        }
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).trim();
            if (!token.isEmpty()) {
                return Optional.of(new ClientCredential(token, Place.BEARER));
            }
        }
        return Optional.empty();
    }

    /** The request without {@code Authorization}, {@code x-goog-api-key} and any {@code key} query parameter. */
    public static ServerHttpRequest strip(ServerHttpRequest request) {
        ServerHttpRequest.Builder builder = request.mutate().headers(headers -> {
            headers.remove(HttpHeaders.AUTHORIZATION);
            headers.remove(Surface.GOOGLE_KEY_HEADER);
        });
        URI uri = request.getURI();
        if (uri.getRawQuery() != null && request.getQueryParams().containsKey(Surface.KEY_QUERY_PARAM)) {
            builder.uri(withoutKeyParam(uri));
        }
        return builder.build();
    }

    /** Drops every {@code key} parameter; the other parameters keep their order and their encoding byte for byte. */
    static URI withoutKeyParam(URI uri) {
        String kept = Arrays.stream(uri.getRawQuery().split("&"))
                .filter(parameter -> !isKeyParameter(parameter))
                .collect(Collectors.joining("&"));
        String text = uri.toString();
        int queryStart = text.indexOf('?');
        StringBuilder rebuilt = new StringBuilder(text.substring(0, queryStart));
        if (!kept.isEmpty()) {
            rebuilt.append('?').append(kept);
        }
        if (uri.getRawFragment() != null) {
            rebuilt.append('#').append(uri.getRawFragment());
        }
        return URI.create(rebuilt.toString());
    }

    private static boolean isKeyParameter(String parameter) {
        int equals = parameter.indexOf('=');
        String rawName = equals < 0 ? parameter : parameter.substring(0, equals);
        try {
            return Surface.KEY_QUERY_PARAM.equals(URLDecoder.decode(rawName, StandardCharsets.UTF_8));
        }
        catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    @Override
    public String toString() {
        // a record's default toString would print the token
        return "ClientCredential[place=" + place + ", fingerprint=" + ClientTokens.fingerprint(value) + "]";
    }
}
