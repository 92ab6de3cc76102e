package dev.geminigateway.affinity;

import java.time.Instant;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.web.GatewayJson;

/**
 * The name and expiry in Gemini's answer to a file upload ({@code {"file":{"name":"files/…","expirationTime":…}}})
 * or a cached content's creation or update ({@code {"name":"cachedContents/…","expireTime":…}}). Read with a
 * streaming parser from the answer's first bytes: a cut-off answer still yields what came before the cut.
 */
record CreatedResource(String name, Instant expiresAt) {

    private static final JsonMapper JSON = GatewayJson.MAPPER;

    /** null when the bytes name no file or cached content. */
    static CreatedResource scan(byte[] json, int length) {
        String name = null;
        Instant expiresAt = null;
        try (JsonParser parser = JSON.createParser(json, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean inFile = false;
            JsonToken token;
            while ((token = parser.nextToken()) != null && (name == null || expiresAt == null)) {
                if (token == JsonToken.END_OBJECT) {
                    if (!inFile) {
                        break;
                    }
                    inFile = false;
                    continue;
                }
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT && !inFile && field.equals("file")) {
                    inFile = true;
                }
                else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren(); // only the top level and the file object say what was created
                }
                else if (value == JsonToken.VALUE_STRING && field.equals("name")) {
                    name = parser.getString();
                }
                else if (value == JsonToken.VALUE_STRING
                        && (field.equals("expirationTime") || field.equals("expireTime"))) {
                    expiresAt = instant(parser.getString());
                }
            }
        }
        catch (RuntimeException cutOrMalformed) {
            // keep what was read before
        }
        if (name == null) {
            return null;
        }
        String bare = name.startsWith(ResourceNames.FILES)
                ? ResourceNames.named(ResourceNames.FILES, name.substring(ResourceNames.FILES.length()))
                : name.startsWith(ResourceNames.CACHES)
                        ? ResourceNames.named(ResourceNames.CACHES, name.substring(ResourceNames.CACHES.length()))
                        : null;
        return bare == null ? null : new CreatedResource(bare, expiresAt);
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        }
        catch (RuntimeException e) {
            return null;
        }
    }
}
