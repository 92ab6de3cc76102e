package dev.geminigateway.simulator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One request the simulator received, with the status it answered.
 * {@code status} is 200 for a stream that started (even if a fault ended it with an error tail) and 0 for a
 * connection reset without a response. Header names are lower case.
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
                              byte[] body, String apiKey, int status) {

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** First value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
