package dev.geminigateway.it;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.simulator.RecordedRequest;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files and cached contents belong to the project whose key created them: requests naming one go to that project's
 * keys, whatever rotation would have picked, and a resource nobody here created costs one upstream call.
 */
class ResourceAffinityTest extends GatewayIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A model no other test uses: its rotation cursor is this class's own, so other tests see theirs unmoved. */
    private static final String MODEL = "gemini-flash-lite-latest";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String BOUNDARY = "affinity-boundary";

    @Test
    void aRequestNamingAnUploadedFileIsServedByAKeyOfTheUploadingProject() {
        // Only pb can take the upload: the file is pb's.
        quarantineAllBut(B1);
        JsonNode file = multipartUpload();
        activateAll();
        long before = SIM.counters().forKey(B1);

        for (int i = 0; i < 4; i++) { // rotation alone would move on to pa's and pc's keys
            post(GENERATE, fileBody(file.path("uri").asString())).expectStatus().isOk();
        }
        client.get().uri("/v1beta/" + file.path("name").asString()).exchange().expectStatus().isOk();

        assertThat(SIM.counters().forKey(B1) - before).isEqualTo(5);
        assertThat(SIM.counters().withStatus(403)).isZero();
    }

    @Test
    void aResumableUploadContinuesThroughTheGatewayOnTheSameProject() {
        for (int i = 0; i < 3; i++) {
            EntityExchangeResult<byte[]> start = client.post().uri("/upload/v1beta/files")
                    .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                    .header("X-Goog-Upload-Header-Content-Type", "text/plain")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"file\":{\"display_name\":\"notes\"}}")
                    .exchange().expectStatus().isOk().expectBody().returnResult();
            String url = start.getResponseHeaders().getFirst("X-Goog-Upload-URL");
            assertThat(url).startsWith("http://127.0.0.1:" + port + "/upload/v1beta/files?upload_id=");

            JsonNode file = JSON.readTree(client.post().uri(url).header("X-Goog-Upload-Command", "upload, finalize")
                    .header("X-Goog-Upload-Offset", "0").contentType(MediaType.TEXT_PLAIN).bodyValue("hello")
                    .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody()).path("file");
            post(GENERATE, fileBody(file.path("name").asString())).expectStatus().isOk();

            List<String> projects = SIM.recordedRequests().stream().skip(SIM.recordedRequests().size() - 3)
                    .map(this::projectOf).toList();
            assertThat(projects).as("start, finalize and use of upload " + i).containsOnly(projects.get(0));
        }
    }

    @Test
    void aCachedContentIsUsedThroughItsOwnProjectsKeys() {
        quarantineAllBut(C1);
        JsonNode cache = JSON.readTree(client.post().uri("/v1beta/cachedContents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"models/" + MODEL + "\",\"ttl\":\"600s\",\"contents\":[{\"role\":\"user\","
                        + "\"parts\":[{\"text\":\"a long shared context\"}]}]}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        activateAll();
        String body = "{\"cachedContent\":\"" + cache.path("name").asString()
                + "\",\"contents\":[{\"parts\":[{\"text\":\"question\"}]}]}";
        long before = SIM.counters().forKey(C1);

        for (int i = 0; i < 4; i++) {
            post(GENERATE, body).expectStatus().isOk();
        }

        assertThat(SIM.counters().forKey(C1) - before).isEqualTo(4);
        assertThat(SIM.counters().withStatus(403)).isZero();
    }

    @Test
    void aFileNoKeyHereCreatedCostsOneUpstreamCallAndTheClientGetsGeminisAnswer() {
        Map<String, KeyState> statesBefore = states();
        long callsBefore = SIM.counters().total();

        byte[] answer = post(GENERATE, fileBody("https://generativelanguage.googleapis.com/v1beta/files/nosuchfile"))
                .expectStatus().isForbidden().expectBody().returnResult().getResponseBody();

        assertThat(JSON.readTree(answer).path("error").path("message").asString())
                .isEqualTo("You do not have permission to access the File nosuchfile or it may not exist.");
        assertThat(SIM.counters().total() - callsBefore).isEqualTo(1);
        // A resource 403 is the request's fault: no key changes state, the one tried included.
        assertThat(states()).isEqualTo(statesBefore);
    }

    private WebTestClient.ResponseSpec post(String uri, String body) {
        return client.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private JsonNode multipartUpload() {
        String body = "--" + BOUNDARY + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + "{\"file\":{\"display_name\":\"hello.txt\"}}\r\n--" + BOUNDARY
                + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--" + BOUNDARY + "--\r\n";
        byte[] answer = client.post().uri("/upload/v1beta/files").header("X-Goog-Upload-Protocol", "multipart")
                .contentType(MediaType.parseMediaType("multipart/related; boundary=" + BOUNDARY)).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return JSON.readTree(answer).path("file");
    }

    private static String fileBody(String uri) {
        return "{\"contents\":[{\"parts\":[{\"text\":\"describe\"},{\"fileData\":{\"mimeType\":\"text/plain\","
                + "\"fileUri\":\"" + uri + "\"}}]}]}";
    }

    private void quarantineAllBut(String key) {
        for (ApiKey k : registry.allKeys()) {
            if (!k.secret().equals(key)) {
                store.setState(k.id(), new KeyState.Quarantined(Instant.now(), "test: only one project serves"));
            }
        }
    }

    private void activateAll() {
        registry.allKeys().forEach(k -> store.setState(k.id(), KeyState.Active.INSTANCE));
    }

    private Map<String, KeyState> states() {
        return registry.allKeys().stream().collect(Collectors.toMap(ApiKey::id, k -> store.state(k.id()), (a, b) -> a,
                java.util.HashMap::new));
    }

    private String projectOf(RecordedRequest request) {
        return registry.allKeys().stream().filter(k -> k.secret().equals(request.apiKey())).findFirst()
                .map(ApiKey::project).orElse("none");
    }
}
