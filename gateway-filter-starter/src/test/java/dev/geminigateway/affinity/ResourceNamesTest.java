package dev.geminigateway.affinity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceNamesTest {

    @Test
    void findsFilesAndCachesInPathsUploadContinuationsAndBodies() {
        assertThat(ResourceNames.inRequestLine(MockServerHttpRequest.get("/v1beta/files/abc123").build()))
                .isEqualTo("files/abc123");
        assertThat(ResourceNames.inRequestLine(MockServerHttpRequest.delete("/v1/cachedContents/xyz").build()))
                .isEqualTo("cachedContents/xyz");
        assertThat(ResourceNames.inRequestLine(
                MockServerHttpRequest.post("/upload/v1beta/files?upload_id=AB-c_1&upload_protocol=resumable").build()))
                .isEqualTo("uploads/AB-c_1");
        assertThat(ResourceNames.inRequestLine(MockServerHttpRequest.post("/upload/v1beta/files").build())).isNull();
        assertThat(ResourceNames.inRequestLine(MockServerHttpRequest.get("/v1beta/models/gemini-2.5-flash").build()))
                .isNull();

        String body = "{\"cachedContent\":\"cachedContents/c1\",\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":"
                + "\"https://generativelanguage.googleapis.com/v1beta/files/f1\"}},{\"file_data\":{\"file_uri\":"
                + "\"files/f2\"}},{\"fileData\":{\"fileUri\":\"https://www.youtube.com/watch?v=x\"}}]}]}";
        assertThat(ResourceNames.inBody(body.getBytes(StandardCharsets.UTF_8)))
                .containsExactly("cachedContents/c1", "files/f1", "files/f2");
        assertThat(ResourceNames.inBody("{\"contents\":[]}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void anIdThatDoesNotLookLikeGeminisNamesNothing() {
        assertThat(ResourceNames.fileName("files/" + "a".repeat(300))).isNull();
        assertThat(ResourceNames.fileName("files/a\r\nb")).isNull();
        assertThat(ResourceNames.inRequestLine(MockServerHttpRequest.get("/v1beta/files/a%0Ab").build())).isNull();
    }

    @Test
    void readsNameAndExpiryFromUploadAndCacheAnswersEvenWhenCutShort() {
        byte[] upload = ("{\"file\":{\"name\":\"files/abc\",\"mimeType\":\"text/plain\",\"nested\":{\"name\":\"x\"},"
                + "\"expirationTime\":\"2026-12-05T10:00:00.123Z\",\"uri\":\"https://g/v1beta/files/abc\"}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] cache = ("{\"name\":\"cachedContents/xyz\",\"model\":\"models/m\",\"usageMetadata\":{\"name\":\"no\"},"
                + "\"expireTime\":\"2026-12-03T11:00:00Z\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(CreatedResource.scan(upload, upload.length))
                .isEqualTo(new CreatedResource("files/abc", Instant.parse("2026-12-05T10:00:00.123Z")));
        assertThat(CreatedResource.scan(cache, cache.length))
                .isEqualTo(new CreatedResource("cachedContents/xyz", Instant.parse("2026-12-03T11:00:00Z")));
        assertThat(CreatedResource.scan(cache, 40)).isEqualTo(new CreatedResource("cachedContents/xyz", null));
        assertThat(CreatedResource.scan("{\"error\":{}}".getBytes(StandardCharsets.UTF_8), 12)).isNull();
    }
}
