package dev.geminigateway.simulator;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.geminigateway.simulator.wire.QuotaShapes;
import dev.geminigateway.simulator.wire.QuotaShapes.Limit;
import dev.geminigateway.simulator.wire.QuotaShapes.Tier;
import dev.geminigateway.simulator.wire.QuotaShapes.Violation;
import dev.geminigateway.simulator.wire.RequestErrors;

import static org.assertj.core.api.Assertions.assertThat;

/** The shapes of the rarer answers, on both surfaces: refusals, quota and billing 429s, request-level 400s, usage. */
class WireCasesTest extends SimulatorTestBase {

    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String CHAT = "/v1beta/openai/chat/completions";

    @BeforeEach
    void keys() {
        sim.reset();
        sim.addKey("k1", "p1").addKey("k2", "p2");
    }

    private HttpResponse<String> generate(String key, String body) {
        return http.post(GENERATE, body, "x-goog-api-key", key, "content-type", "application/json");
    }

    private HttpResponse<String> chat(String key, String body) {
        return http.post(CHAT, body, "authorization", "Bearer " + key, "content-type", "application/json");
    }

    @Test
    void suspendedAndGenerationBlockedKeys() {
        sim.addKey("k1", "p1", KeyStatus.SUSPENDED).addKey("k2", "p2", KeyStatus.GENERATION_BLOCKED);
        HttpResponse<String> suspended = generate("k1", SimHttp.generateBody("hi"));
        assertThat(suspended.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(suspended).at("/error/details/0/reason").asString()).isEqualTo("CONSUMER_SUSPENDED");
        assertThat(http.get("/v1beta/models", "x-goog-api-key", "k1").statusCode()).isEqualTo(403);

        HttpResponse<String> blocked = generate("k2", SimHttp.generateBody("hi"));
        assertThat(blocked.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(blocked).at("/error/details/0/reason").asString()).isEqualTo("API_KEY_SERVICE_BLOCKED");
        assertThat(SimHttp.json(blocked).at("/error/message").asString()).endsWith("GenerativeService.GenerateContent are blocked.");
        HttpResponse<String> blockedChat = chat("k2", SimHttp.chatBody("gemini-2.5-flash", "hi"));
        assertThat(SimHttp.json(blockedChat).at("/0/error/details/0/reason").asString()).isEqualTo("API_KEY_SERVICE_BLOCKED");
        // the same key still lists models and counts tokens
        assertThat(http.get("/v1beta/models", "x-goog-api-key", "k2").statusCode()).isEqualTo(200);
        assertThat(http.post("/v1beta/models/gemini-2.5-flash:countTokens", SimHttp.generateBody("hi"),
                "x-goog-api-key", "k2").statusCode()).isEqualTo(200);
    }

    @Test
    void quotaShapes() {
        JsonNode paid = QuotaShapes.quota(List.of(new Violation(Limit.REQUESTS_PER_DAY, Tier.TIER2, false, null),
                new Violation(Limit.INPUT_TOKENS_PER_MINUTE, Tier.TIER3, false, "4000000")), "gemini-2.5-pro",
                Duration.ofMillis(5300)).body();
        JsonNode violations = paid.at("/error/details/0/violations");
        assertThat(violations.get(0).path("quotaId").asString()).isEqualTo("GenerateRequestsPerDayPerProjectPerModel-PaidTier2");
        assertThat(violations.get(0).has("quotaValue")).isFalse();
        assertThat(violations.get(1).path("quotaId").asString())
                .isEqualTo("GenerateContentInputTokensPerModelPerMinute-PaidTier3");
        assertThat(paid.at("/error/details/2/retryDelay").asString()).isEqualTo("6s");
        assertThat(new Violation(Limit.REQUESTS_PER_MINUTE, Tier.TIER1, true, "3000").quotaId())
                .isEqualTo("EmbedContentRequestsPerMinutePerProjectPerModel");
        JsonNode notOnTier = QuotaShapes.notOnTier("gemini-2.5-pro", Tier.FREE).body().at("/error/details/0/violations");
        assertThat(notOnTier).hasSize(4);
        assertThat(notOnTier.get(0).path("quotaId").asString()).isEqualTo(notOnTier.get(3).path("quotaId").asString());
        assertThat(notOnTier.findValuesAsString("quotaValue")).containsOnly("0");
        assertThat(QuotaShapes.exceededWithoutDetails().body().at("/error").has("details")).isFalse();
    }

    @Test
    void billingAndLocationAnswersPerProjectOnBothSurfaces() {
        sim.addFault(Fault.error(QuotaShapes.prepaidCreditsDepleted()).forProject("p1"));
        sim.addFault(Fault.error(RequestErrors.locationNotSupported()).forProject("p2"));
        HttpResponse<String> credits = generate("k1", SimHttp.generateBody("hi"));
        assertThat(credits.statusCode()).isEqualTo(429);
        assertThat(SimHttp.json(credits).at("/error/message").asString()).startsWith("Your prepayment credits are depleted.");
        HttpResponse<String> location = chat("k2", SimHttp.chatBody("gemini-2.5-flash", "hi"));
        assertThat(location.statusCode()).isEqualTo(400);
        assertThat(SimHttp.json(location).at("/0/error/status").asString()).isEqualTo("FAILED_PRECONDITION");
    }

    @Test
    void requestLevel400sFollowFromTheRequest() {
        sim.setInputTokenLimit("gemini-2.5-flash", 5);
        HttpResponse<String> tooLong = generate("k1", SimHttp.generateBody("x".repeat(40)));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(SimHttp.json(tooLong).at("/error/message").asString())
                .isEqualTo("The input token count (10) exceeds the maximum number of tokens allowed (5).");
        assertThat(chat("k1", SimHttp.chatBody("gemini-2.5-flash", "y".repeat(40))).statusCode()).isEqualTo(400);
        sim.reset();
        sim.addKey("k1", "p1");
        assertThat(generate("k1", SimHttp.generateBody("x".repeat(40))).statusCode()).isEqualTo(200);

        HttpResponse<String> cacheAndTools = generate("k1", "{\"cachedContent\":\"cachedContents/c\",\"tools\":[],"
                + "\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}");
        assertThat(cacheAndTools.statusCode()).isEqualTo(400);
        assertThat(cacheAndTools.body()).contains("should not be set in the request when using cached content");

        StringBuilder batch = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 101; i++) batch.append(i == 0 ? "" : ",").append("{\"content\":{\"parts\":[{\"text\":\"t\"}]}}");
        HttpResponse<String> big = http.post("/v1beta/models/gemini-embedding-001:batchEmbedContents",
                batch.append("]}").toString(), "x-goog-api-key", "k1");
        assertThat(big.statusCode()).isEqualTo(400);
        assertThat(big.body()).contains("at most 100 requests can be in one batch");

        HttpResponse<String> noModel = http.post("/v1beta/models/gemini-2.5-flash:countTokens",
                "{\"generateContentRequest\":{\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}}", "x-goog-api-key", "k1");
        assertThat(noModel.statusCode()).isEqualTo(400);
        assertThat(http.post("/v1beta/models/gemini-2.5-flash:countTokens", "{\"generateContentRequest\":{\"model\":"
                + "\"models/gemini-2.5-flash\",\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}}", "x-goog-api-key", "k1")
                .statusCode()).isEqualTo(200);
        assertThat(sim.counters().withStatus(429)).isZero();
    }

    @Test
    void thinkingUsageAndTheShapesOfOtherEndings() {
        JsonNode thinking = SimHttp.json(generate("k1", "{\"contents\":[{\"parts\":[{\"text\":\"why?\"}]}],"
                + "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":20}}}")).path("usageMetadata");
        assertThat(thinking.path("thoughtsTokenCount").asLong()).isEqualTo(20);
        assertThat(thinking.path("totalTokenCount").asLong()).isEqualTo(thinking.path("promptTokenCount").asLong()
                + thinking.path("candidatesTokenCount").asLong() + 20);

        JsonNode onlyThoughts = SimHttp.json(generate("k1", "{\"contents\":[{\"parts\":[{\"text\":\"why?\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":10,\"thinkingConfig\":{\"thinkingBudget\":-1}}}"));
        assertThat(onlyThoughts.at("/candidates/0/finishReason").asString()).isEqualTo("MAX_TOKENS");
        assertThat(onlyThoughts.at("/usageMetadata").has("candidatesTokenCount")).isFalse();
        assertThat(onlyThoughts.at("/usageMetadata/thoughtsTokenCount").asLong()).isEqualTo(10);

        JsonNode compat = SimHttp.json(chat("k1", "{\"model\":\"gemini-2.5-flash\",\"reasoning_effort\":\"low\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"why?\"}]}")).path("usage");
        assertThat(compat.at("/completion_tokens_details/reasoning_tokens").asLong()).isPositive();
        assertThat(compat.path("total_tokens").asLong()).isEqualTo(compat.path("prompt_tokens").asLong()
                + compat.path("completion_tokens").asLong());

        sim.addFault(Fault.blockedPrompt("SAFETY").forKey("k1").times(1));
        JsonNode blocked = SimHttp.json(generate("k1", SimHttp.generateBody("hi")));
        assertThat(blocked.has("candidates")).isFalse();
        assertThat(blocked.at("/promptFeedback/blockReason").asString()).isEqualTo("SAFETY");
        sim.addFault(Fault.finishReason("RECITATION").forProject("p2").times(1));
        assertThat(SimHttp.json(chat("k2", SimHttp.chatBody("gemini-2.0-flash", "hi")))
                .at("/choices/0/finish_reason").asString()).isEqualTo("content_filter");
    }

    @Test
    void cachedContentTokensArePartOfThePrompt() {
        JsonNode cache = SimHttp.json(http.post("/v1beta/cachedContents", "{\"model\":\"models/gemini-2.5-flash\","
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + "c".repeat(400) + "\"}]}]}",
                "x-goog-api-key", "k1"));
        JsonNode usage = SimHttp.json(generate("k1", "{\"cachedContent\":\"" + cache.path("name").asString()
                + "\",\"contents\":[{\"parts\":[{\"text\":\"qqqq\"}]}]}")).path("usageMetadata");
        assertThat(usage.path("cachedContentTokenCount").asLong()).isEqualTo(100);
        assertThat(usage.path("promptTokenCount").asLong()).isEqualTo(101);
        assertThat(usage.path("totalTokenCount").asLong()).isEqualTo(101 + usage.path("candidatesTokenCount").asLong());
    }

    @Test
    void openAiUsageInEveryChunkIsARunningTotal() {
        sim.addFault(Fault.usageInEveryChunk().forKey("k1"));
        sim.setStreaming(4, Duration.ZERO);
        String stream = chat("k1", "{\"model\":\"gemini-2.0-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}").body();
        List<Long> completions = stream.lines().filter(l -> l.startsWith("data: {"))
                .map(l -> SimHttp.JSON.readTree(l.substring(6)).at("/usage/completion_tokens").asLong()).toList();
        assertThat(completions).hasSize(4).isSorted();
        assertThat(completions.get(0)).isLessThan(completions.get(3));
    }
}
