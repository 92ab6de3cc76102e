package dev.geminigateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Files and cached contents belong to the project that created them; any other project gets Gemini's 403. */
class ResourcesTest extends SimulatorTestBase {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String BOUNDARY = "sim-boundary";

    @BeforeEach
    void keys() {
        sim.reset();
        sim.addKey("key-a", "project-a").addKey("key-b", "project-b");
    }

    @Test
    void multipartUploadIsOwnedByTheUploadersProject() {
        JsonNode file = upload("key-a");
        String name = file.path("name").asString();
        String id = name.substring("files/".length());

        assertThat(name).startsWith("files/");
        assertThat(file.path("uri").asString()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/" + name);
        assertThat(file.path("sizeBytes").asString()).isEqualTo("5");
        assertThat(Duration.between(Instant.parse(file.path("createTime").asString()),
                Instant.parse(file.path("expirationTime").asString()))).isEqualTo(Duration.ofHours(48));
        assertThat(http.get("/v1beta/" + name, "x-goog-api-key", "key-a").statusCode()).isEqualTo(200);
        HttpResponse<String> foreign = http.get("/v1beta/" + name, "x-goog-api-key", "key-b");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(foreign).path("error").path("message").asString())
                .isEqualTo("You do not have permission to access the File " + id + " or it may not exist.");
        assertThat(SimHttp.json(foreign).path("error").path("status").asString()).isEqualTo("PERMISSION_DENIED");
        assertThat(SimHttp.json(foreign).path("error").has("details")).isFalse();
    }

    @Test
    void generateContentNamingAFileOfAnotherProjectOrNoneIsRefused() {
        String uri = upload("key-a").path("uri").asString();

        assertThat(http.post(FLASH, fileBody(uri), "x-goog-api-key", "key-a").statusCode()).isEqualTo(200);
        HttpResponse<String> foreign = http.post(FLASH, fileBody(uri), "x-goog-api-key", "key-b");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("You do not have permission to access the File");
        HttpResponse<String> unknown = http.post(FLASH, fileBody("files/nosuchfile"), "x-goog-api-key", "key-a");
        assertThat(SimHttp.json(unknown).path("error").path("message").asString())
                .isEqualTo("You do not have permission to access the File nosuchfile or it may not exist.");
    }

    @Test
    void resumableUploadContinuesAtTheUrlItWasGiven() {
        HttpResponse<String> start = http.post("/upload/v1beta/files", "{\"file\":{\"display_name\":\"notes\"}}",
                "x-goog-api-key", "key-a", "X-Goog-Upload-Protocol", "resumable", "X-Goog-Upload-Command", "start",
                "X-Goog-Upload-Header-Content-Type", "text/plain");
        String url = start.headers().firstValue("x-goog-upload-url").orElseThrow();
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(url).startsWith(sim.baseUrl() + "/upload/v1beta/files?upload_id=");
        String continuation = url.substring(sim.baseUrl().length());

        assertThat(http.post(continuation, "hello", "x-goog-api-key", "key-b", "X-Goog-Upload-Command",
                "upload, finalize", "X-Goog-Upload-Offset", "0").statusCode()).isEqualTo(404);
        HttpResponse<String> done = http.post(continuation, "hello", "x-goog-api-key", "key-a",
                "X-Goog-Upload-Command", "upload, finalize", "X-Goog-Upload-Offset", "0");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.headers().firstValue("x-goog-upload-status")).hasValue("final");
        JsonNode file = SimHttp.json(done).path("file");
        assertThat(file.path("displayName").asString()).isEqualTo("notes");
        assertThat(file.path("mimeType").asString()).isEqualTo("text/plain");
        assertThat(http.get("/v1beta/" + file.path("name").asString(), "x-goog-api-key", "key-a").statusCode())
                .isEqualTo(200);
    }

    @Test
    void cachedContentKeepsItsTtlAndIsRefusedToOtherProjects() {
        HttpResponse<String> created = http.post("/v1beta/cachedContents", "{\"model\":\"models/gemini-2.5-flash\","
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a long context\"}]}],\"ttl\":\"300s\"}",
                "x-goog-api-key", "key-a");
        JsonNode cache = SimHttp.json(created);
        String name = cache.path("name").asString();
        String body = "{\"cachedContent\":\"" + name + "\",\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}";

        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(Duration.between(Instant.parse(cache.path("createTime").asString()),
                Instant.parse(cache.path("expireTime").asString()))).isEqualTo(Duration.ofSeconds(300));
        assertThat(http.post(FLASH, body, "x-goog-api-key", "key-a").statusCode()).isEqualTo(200);
        HttpResponse<String> foreign = http.post(FLASH, body, "x-goog-api-key", "key-b");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(foreign).path("error").path("message").asString())
                .isEqualTo("CachedContent not found (or permission denied)");
        assertThat(http.get("/v1beta/" + name, "x-goog-api-key", "key-b").statusCode()).isEqualTo(403);
        assertThat(http.delete("/v1beta/" + name + "?key=key-a").statusCode()).isEqualTo(200);
        assertThat(http.get("/v1beta/" + name, "x-goog-api-key", "key-a").statusCode()).isEqualTo(403);
    }

    private static JsonNode upload(String key) {
        String body = "--" + BOUNDARY + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + "{\"file\":{\"display_name\":\"hello.txt\"}}\r\n--" + BOUNDARY
                + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--" + BOUNDARY + "--\r\n";
        HttpResponse<String> answer = http.post("/upload/v1beta/files", body, "x-goog-api-key", key,
                "Content-Type", "multipart/related; boundary=" + BOUNDARY, "X-Goog-Upload-Protocol", "multipart");
        assertThat(answer.statusCode()).isEqualTo(200);
        return SimHttp.json(answer).path("file");
    }

    static String fileBody(String uri) {
        return "{\"contents\":[{\"parts\":[{\"text\":\"describe\"},{\"fileData\":{\"mimeType\":\"text/plain\","
                + "\"fileUri\":\"" + uri + "\"}}]}]}";
    }
}
