package dev.geminigateway.bench.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options of the load clients, and the streamed chat request they all send. */
final class LoadArgs {

    static final String STREAM_BODY = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":["
            + "{\"role\":\"user\",\"content\":\"Stream a short answer about key rotation.\"}]}";

    private final Map<String, String> values = new HashMap<>();

    LoadArgs(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    int integer(String name, int fallback) {
        return Integer.parseInt(get(name, Integer.toString(fallback)));
    }

    /**
     * A streamed chat completion to {@code --url}, with {@code --auth} as Authorization and {@code --header
     * "name: value"} (e.g. Portkey's config) when given; {@code extraHeaders} are added as they are.
     */
    HttpRequest streamRequest(Duration timeout, String... extraHeaders) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(required("url")))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY));
        String auth = get("auth", "");
        if (!auth.isEmpty()) {
            builder.header("Authorization", auth);
        }
        String header = get("header", "");
        if (!header.isEmpty()) {
            int colon = header.indexOf(':');
            builder.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            builder.header(extraHeaders[i], extraHeaders[i + 1]);
        }
        return builder.build();
    }
}
