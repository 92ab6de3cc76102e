package dev.geminigateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Injected faults: 5xx bodies, bare 429, resets, latency, mid-stream error tails; scripted and by key. */
class FaultTest extends SimulatorTestBase {

    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

    @BeforeEach
    void keys() {
        sim.reset();
        sim.addKey("k1", "p1").addKey("k2", "p2").setStreaming(5, Duration.ZERO);
    }

    private static HttpResponse<String> generate(String key) {
        return http.post(GENERATE, SimHttp.generateBody("x"), "x-goog-api-key", key);
    }

    @Test
    void scriptedStatusFaultHitsTheNextNRequestsWithGeminiBodies() {
        sim.addFault(Fault.status(503).times(2));

        HttpResponse<String> first = generate("k1");
        HttpResponse<String> second = generate("k2");
        HttpResponse<String> third = generate("k1");

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(SimHttp.json(first)).isEqualTo(SimHttp.JSON.readTree(
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}"));
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(third.statusCode()).isEqualTo(200);
    }

    @Test
    void errorFaultAnswersItsBodyVerbatimOnBothSurfacesAndSparesTheModelsListing() {
        sim.addFault(Fault.error(dev.geminigateway.simulator.wire.PermissionErrors.fileDenied("abc123"))
                .forModel("gemini-2.5-flash"));

        HttpResponse<String> nativeAnswer = generate("k1");
        HttpResponse<String> openAi = http.post("/v1beta/openai/chat/completions",
                SimHttp.chatBody("gemini-2.5-flash", "x"), "Authorization", "Bearer k1");

        assertThat(nativeAnswer.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(nativeAnswer)).isEqualTo(SimHttp.JSON.readTree("{\"error\":{\"code\":403,\"message\":"
                + "\"You do not have permission to access the File abc123 or it may not exist.\","
                + "\"status\":\"PERMISSION_DENIED\"}}"));
        assertThat(openAi.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(openAi).at("/0/error/status").asString()).isEqualTo("PERMISSION_DENIED");
        assertThat(http.get("/v1beta/models", "x-goog-api-key", "k1").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> Fault.error(403, "[1]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void internalAndDeadlineBodies() {
        sim.addFault(Fault.status(500).times(1)).addFault(Fault.status(504).times(1));

        HttpResponse<String> internal = generate("k1");
        HttpResponse<String> deadline = generate("k1");

        assertThat(internal.statusCode()).isEqualTo(500);
        assertThat(SimHttp.json(internal)).isEqualTo(SimHttp.JSON.readTree("{\"error\":{\"code\":500,\"message\":"
                + "\"An internal error has occurred. Please retry or report in"
                + " https://developers.generativeai.google/guide/troubleshooting\",\"status\":\"INTERNAL\"}}"));
        assertThat(deadline.statusCode()).isEqualTo(504);
        assertThat(SimHttp.json(deadline).at("/error/status").asString()).isEqualTo("DEADLINE_EXCEEDED");
    }

    @Test
    void faultForKeyLeavesOtherKeysAlone() {
        sim.addFault(Fault.status(500).forKey("k2"));

        assertThat(generate("k1").statusCode()).isEqualTo(200);
        assertThat(generate("k2").statusCode()).isEqualTo(500);
        assertThat(generate("k2").statusCode()).isEqualTo(500);
    }

    @Test
    void faultForModelLeavesOtherModelsAlone() {
        sim.addFault(Fault.status(503).forModel("gemini-2.5-pro"));

        assertThat(generate("k1").statusCode()).isEqualTo(200);
        assertThat(http.post("/v1beta/models/gemini-2.5-pro:generateContent", SimHttp.generateBody("x"),
                "x-goog-api-key", "k1").statusCode()).isEqualTo(503);
    }

    @Test
    void probabilityDrawsPerRequest() {
        sim.addFault(Fault.status(500).probability(0.0)).addFault(Fault.status(503).forKey("k2").probability(0.5));

        assertThat(generate("k1").statusCode()).isEqualTo(200);
        int failures = 0;
        for (int i = 0; i < 60; i++) {
            if (generate("k2").statusCode() == 503) failures++;
        }
        assertThat(failures).isBetween(10, 50);
    }

    @Test
    void bare429HasNoDetailsAndIsWrappedOnOpenAi() {
        sim.addFault(Fault.bare429().times(2));

        HttpResponse<String> nativeResponse = generate("k1");
        HttpResponse<String> openAi = http.post("/v1beta/openai/chat/completions",
                SimHttp.chatBody("gemini-2.5-flash", "x"), "Authorization", "Bearer k1");

        assertThat(nativeResponse.statusCode()).isEqualTo(429);
        JsonNode expected = SimHttp.JSON.readTree("{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted"
                + " (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
        assertThat(SimHttp.json(nativeResponse)).isEqualTo(expected);
        assertThat(openAi.statusCode()).isEqualTo(429);
        assertThat(SimHttp.json(openAi).get(0)).isEqualTo(expected);
        assertThat(generate("k1").statusCode()).isEqualTo(200);
    }

    @Test
    void connectionResetClosesTheSocketWithoutAResponse() {
        sim.addFault(Fault.connectionReset().times(1));

        assertThatThrownBy(() -> http.postRaw(GENERATE, SimHttp.generateBody("x"), "x-goog-api-key", "k1"))
                .isInstanceOf(IOException.class);
        assertThat(generate("k1").statusCode()).isEqualTo(200);
        assertThat(sim.counters().withStatus(0)).isEqualTo(1);
    }

    @Test
    void latencyDelaysTheAnswer() {
        sim.addFault(Fault.latency(Duration.ofMillis(300)).forKey("k1"));

        long start = System.nanoTime();
        assertThat(generate("k1").statusCode()).isEqualTo(200);
        Duration slow = Duration.ofNanos(System.nanoTime() - start);
        assertThat(slow).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        // No upper bound on the unaffected call: on a loaded CI machine any call can take a while.
        assertThat(generate("k2").statusCode()).isEqualTo(200);
    }

    @Test
    void nativeMidStreamErrorIsARawJsonTailAfterKEvents() {
        sim.addFault(Fault.midStreamError(2).times(1));

        HttpResponse<String> generateUnaffected = generate("k1"); // not a stream: the fault waits
        HttpResponse<String> response = http.post(STREAM, SimHttp.generateBody("x"), "x-goog-api-key", "k1");

        assertThat(generateUnaffected.statusCode()).isEqualTo(200);
        assertThat(response.statusCode()).isEqualTo(200);
        String[] parts = response.body().split("\r\n\r\n");
        assertThat(parts).hasSize(3);
        assertThat(parts[0]).startsWith("data: ");
        assertThat(parts[1]).startsWith("data: ");
        assertThat(parts[1]).doesNotContain("finishReason");
        assertThat(parts[2]).startsWith("{\n  \"error\": {\n    \"code\": 503,");
        assertThat(SimHttp.JSON.readTree(parts[2]).at("/error/status").asString()).isEqualTo("UNAVAILABLE");
        assertThat(response.headers().firstValue("connection")).hasValue("close");
        assertThat(http.post(STREAM, SimHttp.generateBody("x"), "x-goog-api-key", "k1").body())
                .doesNotContain("error"); // times(1) used up
    }

    @Test
    void openAiMidStreamErrorIsADataEventWithoutDone() {
        sim.addFault(Fault.midStreamError(1));
        String body = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

        HttpResponse<String> response = http.post("/v1beta/openai/chat/completions", body, "Authorization", "Bearer k1");

        assertThat(response.statusCode()).isEqualTo(200);
        String[] events = response.body().split("\n\n");
        assertThat(events).hasSize(2);
        assertThat(events[0]).contains("chat.completion.chunk");
        assertThat(events[1]).startsWith("data: {\"error\":{\"code\":503");
        assertThat(response.body()).doesNotContain("[DONE]");
    }

    @Test
    void statusFaultBeforeAStreamIsAPlainErrorWithEventStreamType() {
        sim.addFault(Fault.status(503).times(1));

        HttpResponse<String> response = http.post(STREAM, SimHttp.generateBody("x"), "x-goog-api-key", "k1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(SimHttp.json(response).at("/error/code").asInt()).isEqualTo(503);
    }
}
