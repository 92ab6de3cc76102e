package dev.geminigateway.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestModelTest {

    @Test
    void acceptsGeminiModelIdsWithOrWithoutAPrefix() {
        assertThat(ModelName.isValid("gemini-2.5-flash")).isTrue();
        assertThat(ModelName.isValid("models/gemini-2.5-flash")).isTrue();
        assertThat(ModelName.isValid("tunedModels/my_model.v2-1")).isTrue();
        assertThat(ModelName.isValid("a".repeat(ModelName.MAX_LENGTH))).isTrue();
        assertThat(ModelName.isValid("models/" + "a".repeat(ModelName.MAX_LENGTH))).isTrue();
    }

    @Test
    void refusesAnythingElse() {
        assertThat(ModelName.isValid(null)).isFalse();
        assertThat(ModelName.isValid("")).isFalse();
        assertThat(ModelName.isValid("models/")).isFalse();
        assertThat(ModelName.isValid("a".repeat(ModelName.MAX_LENGTH + 1))).isFalse();
        assertThat(ModelName.isValid("gemini 2.5")).isFalse();
        assertThat(ModelName.isValid("gemini\r\nX-Injected: 1")).isFalse();
        assertThat(ModelName.isValid("../../admin")).isFalse();
        assertThat(ModelName.isValid("models/models/gemini")).isFalse();
        assertThat(ModelName.isValid("othermodels/gemini")).isFalse();
        assertThat(ModelName.isValid("gemini%2F..")).isFalse();
        assertThat(ModelName.isValid("gémini")).isFalse();
    }

    @Test
    void findsValidNamesInThePathAndTheBody() {
        assertThat(RequestModel.find("/v1beta/models/gemini-2.5-flash:generateContent", null))
                .isEqualTo("gemini-2.5-flash");
        assertThat(RequestModel.find("/v1beta/openai/chat/completions", body("models/gemini-2.5-pro")))
                .isEqualTo("gemini-2.5-pro");
        assertThat(RequestModel.find("/v1beta/openai/chat/completions", body("tunedModels/mine")))
                .isEqualTo("tunedModels/mine");
        assertThat(RequestModel.find("/v1beta/openai/chat/completions", "{\"messages\":[]}".getBytes()))
                .isNull();
    }

    @Test
    void theParsedBodyGivesTheSameAnswersAsItsBytes() {
        JsonMapper json = JsonMapper.builder().build();
        for (String body : new String[] { new String(body("models/gemini-2.5-pro"), StandardCharsets.UTF_8),
                new String(body("tunedModels/mine"), StandardCharsets.UTF_8), "{\"messages\":[]}",
                "{\"model\":42,\"messages\":[]}", "[\"model\"]", "{\"model\":null}" }) {
            assertThat(RequestModel.findParsed("/v1beta/openai/chat/completions", json.readTree(body))).as(body)
                    .isEqualTo(RequestModel.find("/v1beta/openai/chat/completions",
                            body.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(RequestModel.findParsed("/v1beta/models/gemini-2.5-flash:generateContent",
                json.readTree(body("gemini-2.5-pro")))).as("the path wins").isEqualTo("gemini-2.5-flash");
        assertThatThrownBy(() -> RequestModel.findParsed("/v1/chat/completions", json.readTree(body("a b"))))
                .isInstanceOf(InvalidModelException.class);
    }

    @Test
    void anInvalidNameThrowsWithAMessageThatDoesNotEchoIt() {
        String huge = "x".repeat(1024 * 1024);
        assertThatThrownBy(() -> RequestModel.find("/v1/chat/completions", body(huge)))
                .isInstanceOf(InvalidModelException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("xxxx").hasSizeLessThan(400));
        assertThatThrownBy(() -> RequestModel.find("/v1beta/models/bad%20name:generateContent", null))
                .isInstanceOf(InvalidModelException.class);
        assertThatThrownBy(() -> RequestModel.find("/v1/chat/completions", body("a".repeat(129))))
                .isInstanceOf(InvalidModelException.class);
    }

    private static byte[] body(String model) {
        return ("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
