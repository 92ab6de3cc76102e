package dev.geminigateway.simulator.http;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import dev.geminigateway.simulator.resources.MultipartUpload;
import dev.geminigateway.simulator.resources.ResourceAccess;
import dev.geminigateway.simulator.resources.ResourceBook;
import dev.geminigateway.simulator.resources.ResourceBook.StoredCache;
import dev.geminigateway.simulator.resources.ResourceBook.StoredFile;
import dev.geminigateway.simulator.resources.ResourceBook.UploadSession;
import dev.geminigateway.simulator.resources.ResourceErrors;
import dev.geminigateway.simulator.state.SimulatorState;
import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.ModelCatalog;
import dev.geminigateway.simulator.wire.TokenRule;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The files API ({@code POST /upload/{v}/files} multipart or resumable, {@code GET|DELETE /{v}/files/{id}},
 * {@code GET /{v}/files}) and cached contents ({@code POST /{v}/cachedContents}, {@code GET|DELETE
 * /{v}/cachedContents/{id}}). The caller is already authenticated: {@code call.project} owns what it creates.
 */
final class ResourceApi {

    /** Files are named by this URI on Gemini whatever host served the upload. */
    private static final String FILE_URI_BASE = "https://generativelanguage.googleapis.com/v1beta/";

    private final SimulatorState state;

    ResourceApi(SimulatorState state) {
        this.state = state;
    }

    static boolean isResourcePath(String path) {
        return path.startsWith("/upload/") || path.matches("/v1(beta|alpha)?/(files|cachedContents)(/[^/]+)?");
    }

    Reply answer(Call call) {
        String path = call.path;
        Instant now = state.clock().now();
        ResourceBook book = state.resources();
        if (path.startsWith("/upload/")) {
            return "POST".equals(call.method) && path.matches("/upload/v1(beta|alpha)?/files") ? upload(call, now)
                    : error(GeminiErrors.notFound("Method not found."));
        }
        String rest = path.substring(path.indexOf('/', 1) + 1);
        int slash = rest.indexOf('/');
        String collection = slash < 0 ? rest : rest.substring(0, slash);
        String id = slash < 0 ? null : rest.substring(slash + 1);
        boolean files = collection.equals("files");
        return switch (call.method + (id == null ? " collection" : " item")) {
            case "GET item" -> files ? fileOr(book.file(id, call.project, now), id) : cacheOr(book.cache(id, call.project, now));
            case "DELETE item" -> (files ? book.deleteFile(id, call.project, now) : book.deleteCache(id, call.project, now))
                    ? Reply.json(200, Reply.utf8("{}\n"))
                    : files ? error(ResourceErrors.fileDenied(id)) : error(ResourceErrors.cacheDenied());
            case "GET collection" -> files ? listFiles(call, now) : Reply.json(200, Reply.utf8("{}\n"));
            case "POST collection" -> files ? error(GeminiErrors.notFound("Method not found.")) : createCache(call, now);
            default -> error(GeminiErrors.notFound("Method not found."));
        };
    }

    private Reply upload(Call call, Instant now) {
        ResourceBook book = state.resources();
        String uploadId = call.param("upload_id");
        String command = call.header("x-goog-upload-command");
        if (uploadId != null) {
            UploadSession session = book.upload(uploadId, call.project);
            if (session == null) {
                return error(ResourceErrors.uploadNotFound());
            }
            session = book.receive(session, call.body.length);
            if (command == null || !command.contains("finalize")) {
                return new Reply.Headed(Reply.json(200, new byte[0]), Map.of("X-Goog-Upload-Status", "active"));
            }
            return new Reply.Headed(fileAnswer(book.finish(session, now)), Map.of("X-Goog-Upload-Status", "final"));
        }
        if ("resumable".equalsIgnoreCase(call.header("x-goog-upload-protocol"))) {
            if (command == null || !command.contains("start")) {
                return error(GeminiErrors.invalidArgument("Upload command is not start."));
            }
            JsonNode meta = Json.parseOrNull(call.body);
            JsonNode file = meta == null ? Json.object() : meta.path("file");
            UploadSession session = book.startUpload(call.project, text(file, "displayName", "display_name"),
                    firstNonNull(call.header("x-goog-upload-header-content-type"), text(file, "mimeType", "mime_type")));
            String url = "http://" + call.header("host") + call.path + "?upload_id=" + session.id()
                    + "&upload_protocol=resumable";
            return new Reply.Headed(Reply.json(200, new byte[0]),
                    Map.of("X-Goog-Upload-URL", url, "X-Goog-Upload-Status", "active"));
        }
        MultipartUpload multipart = MultipartUpload.parse(call.header("content-type"), call.body);
        if (multipart == null) {
            return error(GeminiErrors.invalidArgument("Expected a multipart/related or resumable upload."));
        }
        JsonNode meta = Json.parseOrNull(multipart.metadata());
        JsonNode file = meta == null ? Json.object() : meta.path("file");
        return fileAnswer(book.addFile(call.project, text(file, "displayName", "display_name"),
                firstNonNull(text(file, "mimeType", "mime_type"), multipart.mediaType()), multipart.mediaBytes(), now));
    }

    private Reply createCache(Call call, Instant now) {
        JsonNode body = Json.parseOrNull(call.body);
        if (body == null || !body.isObject()) {
            return error(GeminiErrors.malformedJson());
        }
        String model = text(body, "model", "model");
        if (model == null) {
            return error(GeminiErrors.invalidArgument("CachedContent.model is required.")); // [unverified] text
        }
        String bare = Route.bare(model);
        ModelCatalog.Model known = state.catalog().find(bare);
        if (known == null || known.embedding()) {
            return error(GeminiErrors.modelNotFound(bare, "v1beta", "createCachedContent"));
        }
        ApiError denied = ResourceAccess.check(body, call.project, state.resources(), now);
        if (denied != null) {
            return error(denied);
        }
        Instant expireTime;
        try {
            expireTime = expiry(body, now);
        }
        catch (RuntimeException e) {
            return error(GeminiErrors.invalidArgument("Invalid ttl or expireTime.")); // [unverified] text
        }
        StoredCache cache = state.resources().addCache(call.project, bare, text(body, "displayName", "display_name"),
                TokenRule.countRequest(body), now, expireTime);
        return cacheOr(cache);
    }

    private static Instant expiry(JsonNode body, Instant now) throws DateTimeParseException {
        String expireTime = text(body, "expireTime", "expire_time");
        if (expireTime != null) {
            return Instant.parse(expireTime);
        }
        String ttl = text(body, "ttl", "ttl");
        if (ttl == null) {
            return now.plus(ResourceBook.DEFAULT_CACHE_TTL);
        }
        BigDecimal seconds = new BigDecimal(ttl.endsWith("s") ? ttl.substring(0, ttl.length() - 1) : ttl);
        return now.plus(Duration.ofMillis(seconds.movePointRight(3).longValueExact()));
    }

    private Reply listFiles(Call call, Instant now) {
        ObjectNode root = Json.object();
        ArrayNode list = root.putArray("files");
        state.resources().files(call.project, now).forEach(f -> list.add(fileJson(f)));
        return Reply.json(200, Json.pretty(root));
    }

    private static Reply fileOr(StoredFile file, String id) {
        return file == null ? error(ResourceErrors.fileDenied(id)) : Reply.json(200, Json.pretty(fileJson(file)));
    }

    private static Reply cacheOr(StoredCache cache) {
        if (cache == null) {
            return error(ResourceErrors.cacheDenied());
        }
        ObjectNode json = Json.object();
        json.put("name", cache.name());
        json.put("model", "models/" + cache.model());
        if (cache.displayName() != null) {
            json.put("displayName", cache.displayName());
        }
        json.put("createTime", cache.createTime().toString());
        json.put("updateTime", cache.createTime().toString());
        json.put("expireTime", cache.expireTime().toString());
        json.putObject("usageMetadata").put("totalTokenCount", cache.tokens());
        return Reply.json(200, Json.pretty(json));
    }

    /** An upload's answer wraps the file: {@code {"file":{…}}}. */
    private static Reply.Full fileAnswer(StoredFile file) {
        ObjectNode root = Json.object();
        root.set("file", fileJson(file));
        return Reply.json(200, Json.pretty(root));
    }

    private static ObjectNode fileJson(StoredFile file) {
        ObjectNode json = Json.object();
        json.put("name", file.name());
        if (file.displayName() != null) {
            json.put("displayName", file.displayName());
        }
        json.put("mimeType", file.mimeType() == null ? "application/octet-stream" : file.mimeType());
        json.put("sizeBytes", Long.toString(file.sizeBytes()));
        json.put("createTime", file.createTime().toString());
        json.put("updateTime", file.createTime().toString());
        json.put("expirationTime", file.expirationTime().toString());
        json.put("uri", FILE_URI_BASE + file.name());
        json.put("state", "ACTIVE");
        json.put("source", "UPLOADED");
        return json;
    }

    /** Native JSON, as every files and cache call is. */
    private static Reply error(ApiError error) {
        return Reply.json(error.httpStatus(), Json.pretty(error.body()));
    }

    private static String text(JsonNode node, String camel, String snake) {
        JsonNode value = node.has(camel) ? node.get(camel) : node.get(snake);
        return value != null && value.isString() ? value.asString() : null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
