package dev.geminigateway.affinity;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.web.GatewayJson;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The Gemini resources a request names, as {@code files/<id>}, {@code cachedContents/<id>} or
 * {@code uploads/<upload id>}: in its path ({@code /v1beta/files/<id>}, {@code /v1beta/cachedContents/<id>}), in the
 * upload id of a resumable upload's continuation, or in its JSON body ({@code fileUri}, full URI or {@code files/…},
 * and {@code cachedContent}). Ids that do not look like Gemini's are ignored, so client input never becomes a key
 * of unbounded size.
 */
final class ResourceNames {

    static final String FILES = "files/";
    static final String CACHES = "cachedContents/";
    static final String UPLOADS = "uploads/";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,256}");
    private static final Pattern RESOURCE_PATH =
            Pattern.compile("/v1(?:beta|alpha)?/(files|cachedContents)/([^/:]+)(?::[A-Za-z]+)?");
    private static final Pattern UPLOAD_PATH = Pattern.compile("/upload/v1(?:beta|alpha)?/files");
    private static final Pattern CACHES_PATH = Pattern.compile("/v1(?:beta|alpha)?/cachedContents");
    private static final int MAX_BODY_NAMES = 16;
    private static final byte[][] BODY_MARKERS = { bytes("fileUri"), bytes("file_uri"), bytes("cachedContent"),
            bytes("cached_content") };
    private static final JsonMapper JSON = GatewayJson.MAPPER;

    private ResourceNames() {
    }

    /** The resource a path or upload continuation names, or null. */
    static String inRequestLine(ServerHttpRequest request) {
        String path = request.getPath().value();
        if (path.contains("/files/") || path.contains("/cachedContents/")) {
            var matcher = RESOURCE_PATH.matcher(path);
            if (matcher.matches()) {
                return named(matcher.group(1) + "/", matcher.group(2));
            }
        }
        if (isUpload(path)) {
            String uploadId = request.getQueryParams().getFirst("upload_id");
            return uploadId == null ? null : named(UPLOADS, uploadId);
        }
        return null;
    }

    /** A body worth scanning: a native model call or a cached content's creation, which may name files. */
    static boolean mayNameInBody(ServerHttpRequest request) {
        String path = request.getPath().value();
        return HttpMethod.POST.equals(request.getMethod())
                && ((path.contains("/models/") && path.indexOf(':') > 0) || isCacheCollection(path));
    }

    /** The files and cached content a JSON body names (a quick byte screen first: most bodies name none). */
    static Set<String> inBody(byte[] body) {
        Set<String> names = new LinkedHashSet<>(2);
        if (body == null || body.length == 0 || !mentionsResource(body)) {
            return names;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null && names.size() < MAX_BODY_NAMES) {
                if (token != JsonToken.PROPERTY_NAME) {
                    continue;
                }
                String field = parser.currentName();
                if (parser.nextToken() != JsonToken.VALUE_STRING) {
                    continue;
                }
                String value = parser.getString();
                String name = switch (field) {
                    case "fileUri", "file_uri" -> fileName(value);
                    case "cachedContent", "cached_content" -> value.startsWith(CACHES)
                            ? named(CACHES, value.substring(CACHES.length())) : null;
                    default -> null;
                };
                if (name != null) {
                    names.add(name);
                }
            }
        }
        catch (RuntimeException malformed) {
            // what was found before the fault still binds the request; Gemini will reject the rest
        }
        return names;
    }

    static boolean isUpload(String path) {
        // a plain prefix test first: the pattern is tried for every request that reaches the filters
        return path.startsWith("/upload/") && UPLOAD_PATH.matcher(path).matches();
    }

    static boolean isCacheCollection(String path) {
        return path.endsWith("/cachedContents") && CACHES_PATH.matcher(path).matches();
    }

    /** {@code files/<id>} from a file URI ({@code https://…/v1beta/files/<id>} or {@code files/<id>}), else null. */
    static String fileName(String uri) {
        int at = uri.startsWith(FILES) ? 0 : uri.lastIndexOf("/" + FILES) + 1;
        if (at < 0 || (at == 0 && !uri.startsWith(FILES))) {
            return null;
        }
        String id = uri.substring(at + FILES.length());
        int end = id.indexOf('?');
        return named(FILES, end < 0 ? id : id.substring(0, end));
    }

    static String named(String kind, String id) {
        return id != null && ID.matcher(id).matches() ? kind + id : null;
    }

    private static boolean mentionsResource(byte[] body) {
        for (byte[] marker : BODY_MARKERS) {
            if (indexOf(body, marker) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
