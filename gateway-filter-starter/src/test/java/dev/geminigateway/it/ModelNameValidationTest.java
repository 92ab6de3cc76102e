package dev.geminigateway.it;

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
    void validNamesStillPass() {
        // gemini-2.5-pro goes to the one-key group "pro", so the round-robin of group "default" other tests see
        // is left where it was.
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT.formatted("models/gemini-2.5-pro")).exchange().expectStatus().isOk();
        postNative("/v1beta/models/gemini-2.5-pro:generateContent").expectStatus().isOk();
        assertThat(SIM.counters().total()).isEqualTo(2);
    }
}
