package dev.geminigateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;

/** Credentials and key statuses on every version prefix, and the error bodies of ARCHITECTURE.md §8.2. */
class AuthAndErrorShapesTest extends SimulatorTestBase {

    private static final String FLASH = "/models/gemini-2.5-flash:generateContent";

    @BeforeEach
    void keys() {
        sim.reset();
        sim.addKey("good-key", "project-a")
                .addKey("invalid-key", "project-a", KeyStatus.INVALID)
                .addKey("leaked-key", "project-b", KeyStatus.LEAKED)
                .addKey("disabled-key", "580640415319", KeyStatus.SERVICE_DISABLED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v1beta", "v1alpha"})
    void nativeAcceptsHeaderOrQueryKeyOnEveryVersion(String version) {
        HttpResponse<String> header = http.post("/" + version + FLASH, SimHttp.generateBody("hi"),
                "x-goog-api-key", "good-key");
        HttpResponse<String> query = http.post("/" + version + FLASH + "?key=good-key", SimHttp.generateBody("hi"));

        assertThat(header.statusCode()).isEqualTo(200);
        assertThat(query.statusCode()).isEqualTo(200);
        assertThat(SimHttp.json(query).at("/candidates/0/content/parts/0/text").asString()).contains("hi");
        assertThat(http.get("/" + version + "/models", "x-goog-api-key", "good-key").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v1beta", "v1alpha"})
    void bearerOnNativePathIsReadAsOAuthEvenWithAKey(String version) {
        HttpResponse<String> response = http.post("/" + version + FLASH + "?key=good-key", SimHttp.generateBody("hi"),
                "Authorization", "Bearer good-key");

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = SimHttp.json(response).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(401);
        assertThat(error.get("status").asString()).isEqualTo("UNAUTHENTICATED");
        assertThat(error.get("message").asString())
                .startsWith("Request had invalid authentication credentials. Expected OAuth 2 access token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v1beta", "v1alpha"})
    void missingKeyIsPermissionDenied(String version) {
        HttpResponse<String> response = http.post("/" + version + FLASH, SimHttp.generateBody("hi"));

        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode error = SimHttp.json(response).get("error");
        assertThat(error.get("status").asString()).isEqualTo("PERMISSION_DENIED");
        assertThat(error.get("message").asString()).isEqualTo("Method doesn't allow unregistered callers (callers"
                + " without established identity). Please use API Key or other form of API consumer identity to call"
                + " this API.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown-key", "invalid-key"})
    void unknownOrInvalidKeyIsApiKeyInvalid(String key) {
        HttpResponse<String> response = http.post("/v1beta" + FLASH, SimHttp.generateBody("hi"), "x-goog-api-key", key);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(SimHttp.json(response)).isEqualTo(SimHttp.JSON.readTree("""
                {"error": {
                  "code": 400,
                  "message": "API key not valid. Please pass a valid API key.",
                  "status": "INVALID_ARGUMENT",
                  "details": [
                    {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                     "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
                    {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
                     "message": "API key not valid. Please pass a valid API key."}]}}"""));
    }

    @Test
    void leakedKeyIsPermissionDeniedWithoutDetails() {
        HttpResponse<String> response = http.post("/v1" + FLASH, SimHttp.generateBody("hi"),
                "x-goog-api-key", "leaked-key");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(response)).isEqualTo(SimHttp.JSON.readTree("""
                {"error": {"code": 403, "message": "Your API key was reported as leaked. Please use another API key.",
                 "status": "PERMISSION_DENIED"}}"""));
    }

    @Test
    void disabledServiceNamesTheProjectNumber() {
        HttpResponse<String> response = http.post("/v1beta" + FLASH, SimHttp.generateBody("hi"),
                "x-goog-api-key", "disabled-key");

        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode error = SimHttp.json(response).get("error");
        assertThat(error.get("status").asString()).isEqualTo("PERMISSION_DENIED");
        assertThat(error.get("message").asString()).startsWith(
                "Generative Language API has not been used in project 580640415319 before or it is disabled.");
        assertThat(error.at("/details/0/@type").asString()).isEqualTo("type.googleapis.com/google.rpc.Help");
        assertThat(error.at("/details/0/links/0/url").asString()).endsWith("overview?project=580640415319");
        assertThat(error.at("/details/1/reason").asString()).isEqualTo("SERVICE_DISABLED");
        assertThat(error.at("/details/1/metadata/consumer").asString()).isEqualTo("projects/580640415319");
    }

    @Test
    void openAiSurfaceWrapsErrorsInAOneElementList() {
        HttpResponse<String> invalid = http.post("/v1beta/openai/chat/completions",
                SimHttp.chatBody("gemini-2.5-flash", "hi"), "Authorization", "Bearer nope");
        HttpResponse<String> leaked = http.post("/v1beta/openai/chat/completions",
                SimHttp.chatBody("gemini-2.5-flash", "hi"), "Authorization", "Bearer leaked-key");

        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode body = SimHttp.json(invalid);
        assertThat(body.isArray()).isTrue();
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.at("/0/error/details/0/reason").asString()).isEqualTo("API_KEY_INVALID");
        assertThat(leaked.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(leaked).at("/0/error/message").asString())
                .isEqualTo("Your API key was reported as leaked. Please use another API key.");
    }

    @Test
    void openAiSurfaceWantsBearerNotGoogleHeader() {
        HttpResponse<String> response = http.post("/v1beta/openai/chat/completions",
                SimHttp.chatBody("gemini-2.5-flash", "hi"), "x-goog-api-key", "good-key");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(response).at("/0/error/status").asString()).isEqualTo("PERMISSION_DENIED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"frequency_penalty", "reasoning", "presence_penalty"})
    void unknownOpenAiFieldIsRejectedLikeGemini(String field) {
        String body = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\""
                + field + "\":1}";
        HttpResponse<String> response = http.post("/v1beta/openai/chat/completions", body,
                "Authorization", "Bearer good-key");

        assertThat(response.statusCode()).isEqualTo(400);
        String message = "Invalid JSON payload received. Unknown name \"" + field + "\": Cannot find field.";
        JsonNode error = SimHttp.json(response).get(0).get("error");
        assertThat(error.get("message").asString()).isEqualTo(message);
        assertThat(error.get("status").asString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.at("/details/0/@type").asString()).isEqualTo("type.googleapis.com/google.rpc.BadRequest");
        assertThat(error.at("/details/0/fieldViolations/0/description").asString()).isEqualTo(message);
    }

    @Test
    void knownOpenAiFieldsAreAccepted() {
        String body = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"temperature\":0.2,\"top_p\":0.9,\"max_tokens\":10,\"stop\":[\"x\"],\"seed\":1,"
                + "\"reasoning_effort\":\"low\",\"stream_options\":{\"include_usage\":true},\"stream\":false}";

        assertThat(http.post("/v1beta/openai/chat/completions", body, "Authorization", "Bearer good-key").statusCode())
                .isEqualTo(200);
    }

    @Test
    void unknownModelIsNotFoundAndEmbeddingModelDoesNotGenerate() {
        HttpResponse<String> unknown = http.post("/v1beta/models/gemini-9-ultra:generateContent",
                SimHttp.generateBody("hi"), "x-goog-api-key", "good-key");
        HttpResponse<String> wrongMethod = http.post("/v1beta/models/gemini-embedding-001:generateContent",
                SimHttp.generateBody("hi"), "x-goog-api-key", "good-key");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(SimHttp.json(unknown).at("/error/message").asString()).isEqualTo("models/gemini-9-ultra is not"
                + " found for API version v1beta, or is not supported for generateContent. Call ListModels to see the"
                + " list of available models and their supported methods.");
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
    }

    @Test
    void malformedBodyIsInvalidArgument() {
        HttpResponse<String> response = http.post("/v1beta" + FLASH, "{not json", "x-goog-api-key", "good-key");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimHttp.json(response).at("/error/status").asString()).isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void errorsBeforeANativeStreamKeepTheEventStreamTypeAndAPlainJsonBody() {
        HttpResponse<String> response = http.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", SimHttp.generateBody("hi"),
                "x-goog-api-key", "unknown-key");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.body()).startsWith("{\n  \"error\": {\n    \"code\": 400,");
        assertThat(SimHttp.json(response).at("/error/details/0/reason").asString()).isEqualTo("API_KEY_INVALID");
    }
}
