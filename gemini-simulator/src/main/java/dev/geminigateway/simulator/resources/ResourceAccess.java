package dev.geminigateway.simulator.resources;

import java.time.Instant;
import java.util.Map;

import dev.geminigateway.simulator.wire.ApiError;
import tools.jackson.databind.JsonNode;

/**
 * Checks the files ({@code fileData.fileUri}, full URI or {@code files/…}) and the cached content
 * ({@code cachedContent}) a request body names against the calling project: the first one it does not own is
 * refused the way Gemini refuses it.
 */
public final class ResourceAccess {

    private ResourceAccess() {
    }

    /** null when every named resource is the project's own. */
    public static ApiError check(JsonNode body, String project, ResourceBook book, Instant now) {
        if (body == null || !body.isObject()) {
            return null;
        }
        String cache = text(body, "cachedContent", "cached_content");
        if (cache != null && book.cache(lastSegment(cache, "cachedContents/"), project, now) == null) {
            return ResourceErrors.cacheDenied();
        }
        return checkFiles(body, project, book, now);
    }

    private static ApiError checkFiles(JsonNode node, String project, ResourceBook book, Instant now) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = field.getKey();
                JsonNode value = field.getValue();
                if ((name.equals("fileUri") || name.equals("file_uri")) && value.isString()) {
                    String uri = value.asString();
                    if (uri.contains("files/")) {
                        String id = lastSegment(uri, "files/");
                        if (book.file(id, project, now) == null) {
                            return ResourceErrors.fileDenied(id);
                        }
                    }
                }
                else if (value.isContainer()) {
                    ApiError denied = checkFiles(value, project, book, now);
                    if (denied != null) {
                        return denied;
                    }
                }
            }
        }
        else if (node.isArray()) {
            for (JsonNode element : node) {
                ApiError denied = checkFiles(element, project, book, now);
                if (denied != null) {
                    return denied;
                }
            }
        }
        return null;
    }

    /** The id after the last {@code prefix}, without a query; the whole value when the prefix is absent. */
    public static String lastSegment(String value, String prefix) {
        int at = value.lastIndexOf(prefix);
        String id = at < 0 ? value : value.substring(at + prefix.length());
        int query = id.indexOf('?');
        return query < 0 ? id : id.substring(0, query);
    }

    private static String text(JsonNode body, String camel, String snake) {
        JsonNode value = body.has(camel) ? body.get(camel) : body.get(snake);
        return value != null && value.isString() ? value.asString() : null;
    }
}
