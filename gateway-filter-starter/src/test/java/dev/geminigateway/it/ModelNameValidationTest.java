package dev.geminigateway.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import dev.geminigateway.web.InvalidModelException;

import static org.assertj.core.api.Assertions.assertThat;

/** A model name that is not a plain model id is refused with a 400 in the caller's format, before Gemini is called. */
@ExtendWith(OutputCaptureExtension.class)
class ModelNameValidationTest extends GatewayIntegrationTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void invalidNamesInTheNativePathGetAGoogleStyle400() {
        for (String model : new String[] {"g".repeat(129), "gemini$flash", "gemini,2.5"}) {
            postNative("/v1beta/models/" + model + ":generateContent").expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.code").isEqualTo(400)
                    .jsonPath("$.error.status").isEqualTo("INVALID_ARGUMENT")
                    .jsonPath("$.error.message").isEqualTo(InvalidModelException.MESSAGE);
        }
        client.get().uri("/v1beta/models/gemini$flash").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.status").isEqualTo("INVALID_ARGUMENT");
        assertThat(SIM.counters().total()).isZero();
    }

    @Test
    void invalidNamesInAnOpenAiBodyGetAnOpenAiStyle400() {
        for (String model : new String[] {"gemini 2.5 flash", "models/../../x", "a".repeat(129), "tunedModels/"}) {
            client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(CHAT.formatted(model)).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.code").isEqualTo("bad_request")
                    .jsonPath("$.error.message").isEqualTo(InvalidModelException.MESSAGE);
        }
        assertThat(SIM.counters().total()).isZero();
    }

    @Test
    void aOneMegabyteNameIsRefusedAndNoneOfItIsLoggedBeyond200Characters(CapturedOutput output) {
        String huge = "x".repeat(1024 * 1024);
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT.formatted(huge)).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").isEqualTo(InvalidModelException.MESSAGE);
        assertThat(SIM.counters().total()).isZero();
        assertThat(output.getAll()).doesNotContain("x".repeat(201));
    }

    @Test
    void aRefusedRequestWithAnUnreadBodyLeavesItsKeepAliveConnectionUsable() throws Exception {
        // A GET may carry a body; answering it without reading the body stalled a later request on the connection
        // (the mix with upstream 404s below made it show within a few rounds).
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 40; i++) {
            for (String path : new String[] {"/v1beta/models/:", "/v1beta/models/a$b:generateContent"}) {
                for (String method : new String[] {"GET", "POST", "PUT", "DELETE"}) {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(15)).method(method, HttpRequest.BodyPublishers.ofString("{}"))
                            .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as("%s %s #%d", method, path, i).isBetween(400, 499);
                }
            }
        }
    }

    @Test
    void validNamesStillPass() {
        // gemini-2.5-pro goes to the one-key group "pro", so the round-robin of group "default" other tests see
        // is left where it was.
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT.formatted("models/gemini-2.5-pro")).exchange().expectStatus().isOk();
        postNative("/v1beta/models/gemini-2.5-pro:generateContent").expectStatus().isOk();
        assertThat(SIM.counters().total()).isEqualTo(2);
    }
}
