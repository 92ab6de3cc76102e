package dev.geminigateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Counters, recorded requests, reset and the /__sim/ control API. */
class CountersAndControlTest {

    static GeminiSimulator sim;
    static SimHttp http;

    @BeforeAll
    static void start() {
        sim = GeminiSimulator.start(SimulatorConfig.defaults().recordLimit(5));
        http = new SimHttp(sim.baseUrl());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.reset();
    }

    @Test
    void countsByKeyProjectModelAndStatus() {
        sim.addKey("k1", "p1").addKey("k2", "p1").addFault(Fault.status(503).forKey("k2").times(1));

        http.post("/v1beta/models/gemini-2.5-flash:generateContent", SimHttp.generateBody("x"), "x-goog-api-key", "k1");
        http.post("/v1/models/gemini-2.5-pro:generateContent?key=k2", SimHttp.generateBody("x"));
        http.post("/v1beta/openai/chat/completions", SimHttp.chatBody("gemini-2.5-flash", "x"),
                "Authorization", "Bearer k2");
        http.get("/v1beta/models", "x-goog-api-key", "stranger");

        SimulatorCounters counters = sim.counters();
        assertThat(counters.total()).isEqualTo(4);
        assertThat(counters.forKey("k1")).isEqualTo(1);
        assertThat(counters.forKey("k2")).isEqualTo(2);
        assertThat(counters.forKey("stranger")).isEqualTo(1);
        assertThat(counters.forProject("p1")).isEqualTo(3);
        assertThat(counters.forModel("gemini-2.5-flash")).isEqualTo(2);
        assertThat(counters.forModel("gemini-2.5-pro")).isEqualTo(1);
        assertThat(counters.withStatus(200)).isEqualTo(2);
        assertThat(counters.withStatus(503)).isEqualTo(1);
        assertThat(counters.withStatus(400)).isEqualTo(1);
        assertThat(counters.forKeyWithStatus("k2", 503)).isEqualTo(1);
        assertThat(counters.forKeyWithStatus("k2", 200)).isEqualTo(1);

        JsonNode json = SimHttp.json(http.get("/__sim/counters"));
        assertThat(json.get("total").asLong()).isEqualTo(4); // control calls are not counted
        assertThat(json.at("/byStatus/503").asLong()).isEqualTo(1);
        assertThat(json.at("/byProject/p1").asLong()).isEqualTo(3);
    }

    @Test
    void recordsRequestsWithCredentialBodyAndStatusBounded() {
        sim.addKey("k1", "p1");

        http.post("/v1beta/models/gemini-2.5-flash:generateContent?key=k1", SimHttp.generateBody("first"),
                "X-Custom", "yes");
        http.post("/v1beta/models/gemini-2.5-flash:generateContent", SimHttp.generateBody("anon"));
        List<RecordedRequest> recorded = sim.recordedRequests();

        assertThat(recorded).hasSize(2);
        RecordedRequest first = recorded.get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(first.query()).isEqualTo("key=k1");
        assertThat(first.apiKey()).isEqualTo("k1");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-custom")).isEqualTo("yes");
        assertThat(first.bodyAsString()).contains("first");
        assertThat(recorded.get(1).apiKey()).isNull();
        assertThat(recorded.get(1).status()).isEqualTo(403);

        for (int i = 0; i < 10; i++) http.get("/v1beta/models?key=k1");
        assertThat(sim.recordedRequests()).hasSize(5);
    }

    @Test
    void controlApiManagesKeysQuotasFaultsClockAndStreaming() {
        assertThat(http.post("/__sim/keys", "{\"key\":\"ck\",\"project\":\"cp\"}").statusCode()).isEqualTo(200);
        assertThat(http.post("/__sim/quotas", "{\"project\":\"cp\",\"model\":\"*\",\"rpm\":1}").statusCode())
                .isEqualTo(200);
        assertThat(http.post("/__sim/faults", "{\"type\":\"status\",\"status\":500,\"times\":1}").statusCode())
                .isEqualTo(200);
        assertThat(http.post("/__sim/streaming", "{\"chunks\":2,\"intervalMs\":0}").statusCode()).isEqualTo(200);
        JsonNode clock = SimHttp.json(http.post("/__sim/clock", "{\"now\":\"2026-01-01T00:00:00Z\",\"scale\":2}"));

        assertThat(clock.get("scale").asDouble()).isEqualTo(2.0);
        assertThat(clock.get("now").asString()).startsWith("2026-01-01T00:00");
        assertThat(generate("ck").statusCode()).isEqualTo(500);
        assertThat(generate("ck").statusCode()).isEqualTo(200);
        assertThat(generate("ck").statusCode()).isEqualTo(429);
        HttpResponse<String> stream = http.post("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
                SimHttp.generateBody("x"), "x-goog-api-key", "ck");
        assertThat(stream.body().split("\r\n\r\n")).hasSize(2);
        assertThat(SimHttp.json(http.get("/__sim/requests?limit=2")).get("requests").size()).isEqualTo(2);

        assertThat(http.post("/__sim/reset", "").statusCode()).isEqualTo(200);
        assertThat(generate("ck").statusCode()).isEqualTo(400); // the key is gone
        assertThat(http.get("/__sim/nothing").statusCode()).isEqualTo(404);
        assertThat(http.post("/__sim/faults", "{\"type\":\"bogus\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void anErrorFaultOverHttpAnswersItsBodyVerbatim() {
        sim.addKey("ek", "ep");
        assertThat(http.post("/__sim/faults", "{\"type\":\"error\",\"status\":403,\"times\":1,\"body\":"
                + "{\"error\":{\"code\":403,\"message\":\"CachedContent not found (or permission denied)\","
                + "\"status\":\"PERMISSION_DENIED\"}}}").statusCode()).isEqualTo(200);
        HttpResponse<String> denied = generate("ek");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(denied).at("/error/message").asString())
                .isEqualTo("CachedContent not found (or permission denied)");
        assertThat(generate("ek").statusCode()).isEqualTo(200);
    }

    @Test
    void removingAKeyMakesItInvalid() {
        sim.addKey("gone", "p").removeKey("gone");
        assertThat(generate("gone").statusCode()).isEqualTo(400);
        sim.addKey("gone", "p");
        assertThat(http.delete("/__sim/keys/gone").statusCode()).isEqualTo(200);
        assertThat(generate("gone").statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> generate(String key) {
        return http.post("/v1beta/models/gemini-2.5-flash:generateContent", SimHttp.generateBody("x"),
                "x-goog-api-key", key);
    }
}
