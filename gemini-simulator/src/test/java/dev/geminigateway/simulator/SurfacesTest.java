package dev.geminigateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Successful answers on both surfaces: models, generate, countTokens, embeddings and both stream formats. */
class SurfacesTest extends SimulatorTestBase {

    @BeforeEach
    void keys() {
        sim.reset();
        sim.addKey("k1", "p1").setStreaming(3, Duration.ofMillis(5));
    }

    @Test
    void listsAndGetsModelsOnBothSurfaces() {
        JsonNode nativeList = SimHttp.json(http.get("/v1beta/models", "x-goog-api-key", "k1"));
        JsonNode one = SimHttp.json(http.get("/v1/models/gemini-2.5-flash", "x-goog-api-key", "k1"));
        JsonNode page = SimHttp.json(http.get("/v1beta/models?pageSize=2", "x-goog-api-key", "k1"));
        JsonNode openAiList = SimHttp.json(http.get("/v1beta/openai/models", "Authorization", "Bearer k1"));
        HttpResponse<String> openAiOne = http.get("/v1beta/openai/models/gemini-2.5-pro", "Authorization", "Bearer k1");

        assertThat(nativeList.get("models").findValuesAsString("name")).contains("models/gemini-2.5-flash",
                "models/gemini-embedding-001");
        assertThat(one.get("name").asString()).isEqualTo("models/gemini-2.5-flash");
        assertThat(one.get("supportedGenerationMethods").toString()).contains("generateContent");
        assertThat(page.get("models").size()).isEqualTo(2);
        assertThat(page.get("nextPageToken").asString()).isEqualTo("2");
        assertThat(openAiList.get("object").asString()).isEqualTo("list");
        assertThat(openAiList.get("data").findValuesAsString("id")).contains("models/gemini-2.5-flash");
        assertThat(openAiOne.statusCode()).isEqualTo(200);
        assertThat(SimHttp.json(openAiOne).get("id").asString()).isEqualTo("models/gemini-2.5-pro");
    }

    @Test
    void generateReportsConsistentUsage() {
        String prompt = "a".repeat(41); // ceil(41 / 4) = 11 tokens
        JsonNode body = SimHttp.json(http.post("/v1beta/models/gemini-2.5-flash:generateContent",
                SimHttp.generateBody(prompt), "x-goog-api-key", "k1"));
        JsonNode count = SimHttp.json(http.post("/v1beta/models/gemini-2.5-flash:countTokens",
                SimHttp.generateBody(prompt), "x-goog-api-key", "k1"));

        JsonNode usage = body.get("usageMetadata");
        String text = body.at("/candidates/0/content/parts/0/text").asString();
        assertThat(usage.get("promptTokenCount").asLong()).isEqualTo(11);
        assertThat(usage.get("candidatesTokenCount").asLong()).isEqualTo((text.length() + 3) / 4);
        assertThat(usage.get("totalTokenCount").asLong()).isEqualTo(11 + (text.length() + 3) / 4);
        assertThat(body.at("/candidates/0/finishReason").asString()).isEqualTo("STOP");
        assertThat(body.get("modelVersion").asString()).isEqualTo("gemini-2.5-flash");
        assertThat(body.get("responseId").asString()).isNotBlank();
        assertThat(count.get("totalTokens").asLong()).isEqualTo(11);
    }

    @Test
    void embedsOnBothSurfaces() {
        JsonNode one = SimHttp.json(http.post("/v1beta/models/gemini-embedding-001:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"outputDimensionality\":16}", "x-goog-api-key", "k1"));
        JsonNode batch = SimHttp.json(http.post("/v1beta/models/gemini-embedding-001:batchEmbedContents",
                "{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                        + "{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}",
                "x-goog-api-key", "k1"));
        JsonNode openAi = SimHttp.json(http.post("/v1beta/openai/embeddings",
                "{\"model\":\"gemini-embedding-001\",\"input\":[\"x\",\"y\"],\"dimensions\":8}",
                "Authorization", "Bearer k1"));

        assertThat(one.at("/embedding/values").size()).isEqualTo(16);
        assertThat(batch.get("embeddings").size()).isEqualTo(2);
        assertThat(batch.at("/embeddings/0/values")).isNotEqualTo(batch.at("/embeddings/1/values"));
        assertThat(openAi.get("data").size()).isEqualTo(2);
        assertThat(openAi.at("/data/1/embedding").size()).isEqualTo(8);
        assertThat(openAi.at("/usage/prompt_tokens").asLong()).isEqualTo(1);
    }

    @Test
    void openAiChatCompletionHasTheOpenAiShape() {
        JsonNode body = SimHttp.json(http.post("/v1beta/openai/chat/completions",
                SimHttp.chatBody("models/gemini-2.5-flash", "12345678"), "Authorization", "Bearer k1"));

        assertThat(body.get("id").asString()).startsWith("chatcmpl-");
        assertThat(body.get("object").asString()).isEqualTo("chat.completion");
        assertThat(body.get("created").asLong()).isPositive();
        assertThat(body.get("model").asString()).isEqualTo("gemini-2.5-flash");
        assertThat(body.at("/choices/0/message/role").asString()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(2);
        assertThat(body.at("/usage/total_tokens").asLong())
                .isEqualTo(2 + body.at("/usage/completion_tokens").asLong());
    }

    @Test
    void nativeStreamUsesCrlfFramingRunningUsageAndNoDone() {
        HttpResponse<String> response = http.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                SimHttp.generateBody("abcdefgh"), "x-goog-api-key", "k1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.body()).doesNotContain("[DONE]").endsWith("}\r\n\r\n");
        List<JsonNode> events = events(response.body(), "\r\n\r\n");
        assertThat(events).hasSize(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            JsonNode usage = events.get(i).get("usageMetadata");
            text.append(events.get(i).at("/candidates/0/content/parts/0/text").asString());
            assertThat(usage.get("promptTokenCount").asLong()).isEqualTo(2);
            assertThat(events.get(i).get("responseId").asString()).isEqualTo(events.get(0).get("responseId").asString());
            if (i < 2) {
                assertThat(usage.has("candidatesTokenCount")).isFalse();
                assertThat(usage.get("totalTokenCount").asLong()).isEqualTo(2);
                assertThat(events.get(i).at("/candidates/0/finishReason").isMissingNode()).isTrue();
            }
        }
        JsonNode last = events.get(2);
        long output = (text.length() + 3) / 4;
        assertThat(last.at("/candidates/0/finishReason").asString()).isEqualTo("STOP");
        assertThat(last.at("/usageMetadata/candidatesTokenCount").asLong()).isEqualTo(output);
        assertThat(last.at("/usageMetadata/totalTokenCount").asLong()).isEqualTo(2 + output);
    }

    @Test
    void streamChunksCanBeSetPerRequest() {
        HttpResponse<String> response = http.post("/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                SimHttp.generateBody("x"), "x-goog-api-key", "k1", "x-sim-chunks", "7", "x-sim-interval-ms", "0");

        assertThat(events(response.body(), "\r\n\r\n")).hasSize(7);
    }

    @Test
    void openAiStreamUsesLfFramingUsageInFinalContentChunkThenDone() {
        String body = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"abcd\"}]}";
        HttpResponse<String> response = http.post("/v1beta/openai/chat/completions", body, "Authorization", "Bearer k1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.body()).doesNotContain("\r").endsWith("data: [DONE]\n\n");
        String withoutDone = response.body().substring(0, response.body().length() - "data: [DONE]\n\n".length());
        List<JsonNode> chunks = events(withoutDone, "\n\n");
        assertThat(chunks).hasSize(3);
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("object").asString()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.get(0).at("/choices/0/delta/role").asString()).isEqualTo("assistant");
        assertThat(chunks.get(0).has("usage")).isFalse();
        assertThat(chunks.get(1).has("usage")).isFalse();
        JsonNode last = chunks.get(2);
        assertThat(last.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(last.at("/choices/0/delta/content").asString()).isNotEmpty();
        assertThat(last.at("/usage/prompt_tokens").asLong()).isEqualTo(1);
        assertThat(last.at("/usage/total_tokens").asLong())
                .isEqualTo(1 + last.at("/usage/completion_tokens").asLong());
    }

    @Test
    void streamEventsArePacedByTheInterval() {
        sim.setStreaming(4, Duration.ofMillis(100));
        long start = System.nanoTime();
        HttpResponse<String> response = http.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                SimHttp.generateBody("x"), "x-goog-api-key", "k1");

        assertThat(events(response.body(), "\r\n\r\n")).hasSize(4);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    static List<JsonNode> events(String body, String separator) {
        List<JsonNode> out = new ArrayList<>();
        for (String event : body.split(separator)) {
            if (event.isEmpty()) continue;
            assertThat(event).startsWith("data: ");
            out.add(SimHttp.JSON.readTree(event.substring(6)));
        }
        return out;
    }
}
