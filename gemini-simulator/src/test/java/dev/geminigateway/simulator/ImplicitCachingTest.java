package dev.geminigateway.simulator;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.geminigateway.simulator.cache.ImplicitCache;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Implicit prompt caching: a project that saw a long prefix for a model within the TTL reports it as cached tokens;
 * another project, another model, a short prompt or an expired entry does not. Fresh projects per test: the
 * simulator is shared by the class.
 */
class ImplicitCachingTest extends SimulatorTestBase {

    private static final String MODEL = "gemini-2.5-flash";
    /** 12,000 characters: 3,000 simulator tokens, above the 2.5 models' 2,048 minimum. */
    private static final String SYSTEM = "You are a careful assistant. ".repeat(414);

    @Test
    void aRepeatedLongPrefixIsCachedForTheSameProjectAndModelOnly() {
        String a = project();
        String b = project();
        JsonNode first = generate(a, MODEL, SYSTEM, "first question");
        assertThat(first.path("usageMetadata").has("cachedContentTokenCount")).isFalse();

        JsonNode second = generate(a, MODEL, SYSTEM, "second question");
        long cached = second.path("usageMetadata").path("cachedContentTokenCount").asLong();
        long prompt = second.path("usageMetadata").path("promptTokenCount").asLong();
        assertThat(cached).isGreaterThanOrEqualTo(2048).isLessThanOrEqualTo(SYSTEM.length() / 4).isLessThan(prompt);
        assertThat(cached % ImplicitCache.BLOCK_TOKENS).isZero();
        assertThat(second.path("usageMetadata").path("cacheTokensDetails").get(0).path("tokenCount").asLong())
                .isEqualTo(cached);

        // another project's cache is its own; another model is another cache
        assertThat(generate(b, MODEL, SYSTEM, "q").path("usageMetadata").has("cachedContentTokenCount")).isFalse();
        assertThat(generate(a, "gemini-2.5-pro", SYSTEM, "q").path("usageMetadata").has("cachedContentTokenCount"))
                .isFalse();

        assertThat(sim.implicitCache().counts(a).cachedTokens()).isEqualTo(cached);
        assertThat(sim.implicitCache().counts(a).inputTokens()).isGreaterThan(2 * prompt);
    }

    @Test
    void promptsUnderTheMinimumAndOlderModelsAreNeverCached() {
        String p = project();
        String shortPrompt = "Short system prompt. ".repeat(50);
        generate(p, MODEL, shortPrompt, "one");
        assertThat(generate(p, MODEL, shortPrompt, "two").path("usageMetadata").has("cachedContentTokenCount"))
                .isFalse();
        generate(p, "gemini-2.0-flash", SYSTEM, "one");
        assertThat(generate(p, "gemini-2.0-flash", SYSTEM, "two").path("usageMetadata")
                .has("cachedContentTokenCount")).isFalse();
        // newer models need 4,096 tokens: 3,000 is not enough
        generate(p, "gemini-3-flash-preview", SYSTEM, "one");
        assertThat(generate(p, "gemini-3-flash-preview", SYSTEM, "two").path("usageMetadata")
                .has("cachedContentTokenCount")).isFalse();
        assertThat(sim.implicitCache().counts(p).cachedTokens()).isZero();
    }

    @Test
    void anEntryExpiresAfterTheTtlOnTheSimulatedClock() {
        String p = project();
        generate(p, MODEL, SYSTEM, "one");
        sim.setClock(sim.now().plus(ImplicitCache.DEFAULT_TTL).plusSeconds(1));
        assertThat(generate(p, MODEL, SYSTEM, "two").path("usageMetadata").has("cachedContentTokenCount")).isFalse();
        assertThat(generate(p, MODEL, SYSTEM, "three").path("usageMetadata").path("cachedContentTokenCount").asLong())
                .isGreaterThanOrEqualTo(2048);
    }

    @Test
    void theOpenAiSurfaceReportsCachedTokensInPromptTokensDetails() {
        String p = project();
        String key = key(p);
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM
                + "\"},{\"role\":\"user\",\"content\":\"hello\"}]}";
        http.post("/v1beta/openai/chat/completions", body, "Authorization", "Bearer " + key);
        JsonNode second = SimHttp.JSON.readTree(http.post("/v1beta/openai/chat/completions", body,
                "Authorization", "Bearer " + key).body());
        assertThat(second.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong())
                .isGreaterThanOrEqualTo(2048);
    }

    @Test
    void theControlApiSetsTheTtlAndReportsCountsPerProject() {
        String p = project();
        generate(p, MODEL, SYSTEM, "one");
        generate(p, MODEL, SYSTEM, "two");
        JsonNode view = SimHttp.JSON.readTree(http.get("/__sim/cache").body());
        assertThat(view.path("byProject").path(p).path("cachedTokens").asLong()).isGreaterThanOrEqualTo(2048);
        assertThat(view.path("byProject").path(p).path("inputTokens").asLong()).isGreaterThan(6000);
        try {
            JsonNode set = SimHttp.JSON.readTree(http.post("/__sim/cache", "{\"ttlSeconds\":0}").body());
            assertThat(set.path("ttlSeconds").asLong()).isZero();
            String q = project();
            generate(q, MODEL, SYSTEM, "one");
            assertThat(generate(q, MODEL, SYSTEM, "two").path("usageMetadata").has("cachedContentTokenCount"))
                    .isFalse();
        } finally {
            sim.implicitCache().ttl(ImplicitCache.DEFAULT_TTL);
        }
    }

    private static String project() {
        return "cache-" + UUID.randomUUID();
    }

    private static String key(String project) {
        String key = "k-" + project;
        sim.addKey(key, project);
        return key;
    }

    private static JsonNode generate(String project, String model, String system, String question) {
        String body = "{\"systemInstruction\":{\"parts\":[{\"text\":\"" + system + "\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + question + "\"}]}]}";
        var response = http.post("/v1beta/models/" + model + ":generateContent", body,
                "x-goog-api-key", key(project));
        assertThat(response.statusCode()).isEqualTo(200);
        return SimHttp.JSON.readTree(response.body());
    }
}
