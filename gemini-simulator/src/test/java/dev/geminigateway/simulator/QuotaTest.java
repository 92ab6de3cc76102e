package dev.geminigateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** RPM, TPM and RPD per (project, model), the exact 429 bodies, retry delays under the time scale. */
class QuotaTest extends SimulatorTestBase {

    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    @BeforeEach
    void keys() {
        sim.reset();
        sim.addKey("a1", "project-a").addKey("a2", "project-a").addKey("b1", "project-b");
    }

    private static HttpResponse<String> generate(String key, String text) {
        return http.post(GENERATE, SimHttp.generateBody(text), "x-goog-api-key", key);
    }

    @Test
    void rpmIsPerProjectAndModelWithExactBodyAndRetryDelay() {
        sim.setTimeScale(10).setQuota("project-a", "*", new Quota(2, 1_000_000, 1000));

        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
        assertThat(generate("a2", "x").statusCode()).isEqualTo(200); // same project: same bucket
        HttpResponse<String> limited = generate("a1", "x");
        HttpResponse<String> otherProject = generate("b1", "x");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(otherProject.statusCode()).isEqualTo(200);
        JsonNode error = SimHttp.json(limited).get("error");
        assertThat(error.get("status").asString()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.at("/details/0/@type").asString()).isEqualTo("type.googleapis.com/google.rpc.Help");
        assertThat(error.at("/details/0/links/0/url").asString()).isEqualTo("https://ai.google.dev/gemini-api/docs/rate-limits");
        JsonNode violation = error.at("/details/1/violations/0");
        assertThat(error.at("/details/1/@type").asString()).isEqualTo("type.googleapis.com/google.rpc.QuotaFailure");
        assertThat(violation.get("quotaId").asString()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(violation.get("quotaMetric").asString())
                .isEqualTo("generativelanguage.googleapis.com/generate_content_free_tier_requests");
        assertThat(violation.get("quotaDimensions").get("model").asString()).isEqualTo("gemini-2.5-flash");
        assertThat(violation.get("quotaDimensions").get("location").asString()).isEqualTo("global");
        assertThat(violation.get("quotaValue").isString()).isTrue();
        assertThat(violation.get("quotaValue").asString()).isEqualTo("2");
        // a simulated minute at scale 10 lasts 6 real seconds
        assertThat(error.at("/details/2/@type").asString()).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
        String message = error.get("message").asString();
        assertThat(message).startsWith("You exceeded your current quota, please check your plan and billing details.")
                .contains("\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 2, model: gemini-2.5-flash\n");
        double retryIn = Double.parseDouble(message.substring(message.indexOf("Please retry in ") + 16,
                message.length() - 2));
        assertThat(retryIn).isGreaterThan(3.0).isLessThanOrEqualTo(6.0);
        assertThat(error.at("/details/2/retryDelay").asString()).isEqualTo((long) Math.ceil(retryIn) + "s");
    }

    @Test
    void rpmWindowFreesAfterASimulatedMinute() {
        sim.setQuota("project-a", "gemini-2.5-flash", new Quota(1, Long.MAX_VALUE, 1000));

        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
        assertThat(generate("a1", "x").statusCode()).isEqualTo(429);
        sim.setClock(sim.now().plusSeconds(61)); // the settable clock, not a sleep (scaling: SimulatedClock's test)
        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
    }

    @Test
    void tpmCountsInputTokensAndNamesTheTokenQuota() {
        sim.setQuota("project-a", "*", new Quota(100, 20, 1000));
        String tenTokens = "b".repeat(40);

        assertThat(generate("a1", tenTokens).statusCode()).isEqualTo(200);
        assertThat(generate("a1", tenTokens).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = generate("a1", "c");

        assertThat(limited.statusCode()).isEqualTo(429);
        JsonNode violation = SimHttp.json(limited).at("/error/details/1/violations/0");
        assertThat(violation.get("quotaId").asString()).isEqualTo("GenerateContentInputTokensPerModelPerMinute-FreeTier");
        assertThat(violation.get("quotaMetric").asString())
                .isEqualTo("generativelanguage.googleapis.com/generate_content_free_tier_input_token_count");
        assertThat(violation.get("quotaValue").asString()).isEqualTo("20");
        assertThat(SimHttp.json(limited).at("/error/details/2/retryDelay").asString()).matches("(5[89]|60)s");
    }

    @Test
    void rpdResetsAtPacificMidnightInSimulatedTime() {
        Instant justBeforeMidnight = LocalDate.of(2026, 3, 10).atTime(LocalTime.of(23, 59, 0)).atZone(PACIFIC).toInstant();
        // at scale 6 the simulated minute left lasts 10 real seconds: ample for three requests on a loaded machine
        sim.setQuota("project-a", "*", new Quota(1000, Long.MAX_VALUE, 2)).setTimeScale(6).setClock(justBeforeMidnight);

        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
        HttpResponse<String> limited = generate("a1", "x");

        assertThat(limited.statusCode()).isEqualTo(429);
        JsonNode error = SimHttp.json(limited).get("error");
        assertThat(error.at("/details/1/violations/0/quotaId").asString())
                .isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(error.at("/details/1/violations/0/quotaValue").asString()).isEqualTo("2");
        // < 60 simulated s until midnight at scale 6: at most 10 real seconds (unscaled it would say 60s)
        assertThat(error.at("/details/2/retryDelay").asString()).matches("([1-9]|10)s");
        sim.setClock(justBeforeMidnight.plusSeconds(60)); // Pacific midnight, on the settable clock
        assertThat(sim.now().atZone(PACIFIC).toLocalDate()).isEqualTo(LocalDate.of(2026, 3, 11));
        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
    }

    @Test
    void unavailableModelAnswersQuotaValueZero() {
        sim.setQuota("project-a", "gemini-2.5-pro", Quota.unavailable());

        HttpResponse<String> response = http.post("/v1beta/models/gemini-2.5-pro:generateContent",
                SimHttp.generateBody("x"), "x-goog-api-key", "a1");

        assertThat(response.statusCode()).isEqualTo(429);
        JsonNode violations = SimHttp.json(response).at("/error/details/1/violations");
        assertThat(violations.size()).isEqualTo(3);
        assertThat(violations.findValuesAsString("quotaValue")).containsOnly("0");
        assertThat(SimHttp.json(response).at("/error/message").asString()).contains("limit: 0, model: gemini-2.5-pro");
        assertThat(generate("a1", "x").statusCode()).isEqualTo(200); // other models unaffected
    }

    @Test
    void countTokensAndModelsDoNotCountButEmbeddingsHaveTheirOwnQuota() {
        sim.setQuota("project-a", "*", new Quota(1, Long.MAX_VALUE, 1000));

        for (int i = 0; i < 3; i++) {
            assertThat(http.post("/v1beta/models/gemini-2.5-flash:countTokens", SimHttp.generateBody("x"),
                    "x-goog-api-key", "a1").statusCode()).isEqualTo(200);
            assertThat(http.get("/v1beta/models", "x-goog-api-key", "a1").statusCode()).isEqualTo(200);
        }
        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
        assertThat(generate("a1", "x").statusCode()).isEqualTo(429);
        String embed = "{\"content\":{\"parts\":[{\"text\":\"x\"}]}}";
        assertThat(http.post("/v1beta/models/gemini-embedding-001:embedContent", embed, "x-goog-api-key", "a1")
                .statusCode()).isEqualTo(200);
        HttpResponse<String> embedLimited = http.post("/v1beta/openai/embeddings",
                "{\"model\":\"gemini-embedding-001\",\"input\":\"x\"}", "Authorization", "Bearer a1");
        assertThat(embedLimited.statusCode()).isEqualTo(429);
        assertThat(SimHttp.json(embedLimited).at("/0/error/details/1/violations/0/quotaId").asString())
                .isEqualTo("EmbedContentRequestsPerMinutePerProjectPerModel-FreeTier");
    }

    @Test
    void openAiSurfaceSharesTheQuotaAndWrapsThe429() {
        sim.setQuota("project-a", "gemini-2.5-flash", new Quota(1, Long.MAX_VALUE, 1000));

        assertThat(generate("a1", "x").statusCode()).isEqualTo(200);
        HttpResponse<String> response = http.post("/v1beta/openai/chat/completions",
                SimHttp.chatBody("gemini-2.5-flash", "x"), "Authorization", "Bearer a2");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(SimHttp.json(response).at("/0/error/details/1/violations/0/quotaId").asString())
                .isEqualTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
    }
}
