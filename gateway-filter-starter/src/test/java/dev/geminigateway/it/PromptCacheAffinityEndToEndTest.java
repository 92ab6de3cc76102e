package dev.geminigateway.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.observability.PromptCacheStats;
import dev.geminigateway.quota.QuotaMetric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prompt-cache affinity through the gateway against the simulator's implicit cache: requests repeating a long
 * prompt prefix go to one project and get cached tokens; when that project has no quota headroom they spill to one
 * next project, the same every time; short prompts rotate as before. Each test uses its own system prompt, so its
 * prefix (and its preferred project) is its own.
 */
class PromptCacheAffinityEndToEndTest extends GatewayIntegrationTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final List<String> PROJECTS = List.of("pa", "pb", "pc");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MeterRegistry meters;

    @Autowired
    PromptCacheStats stats;

    @Test
    void repeatedLongPrefixesLandOnOneProjectAndGetCachedTokens() {
        String system = longSystemPrompt();
        List<Long> cached = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            cached.add(nativeCall(system, "question " + i).path("usageMetadata").path("cachedContentTokenCount")
                    .asLong());
        }
        String project = onlyProjectUsed(5);
        assertThat(cached.get(0)).isZero();
        assertThat(cached.subList(1, 5)).allSatisfy(tokens -> assertThat(tokens).isGreaterThanOrEqualTo(2048));
        long sum = cached.stream().mapToLong(Long::longValue).sum();
        assertThat(SIM.implicitCache().counts(project).cachedTokens()).isEqualTo(sum);

        // the gateway counts what Gemini reported, per project and model, for the meters and the admin overview
        await().atMost(Duration.ofSeconds(5)).until(() -> SIM.implicitCache().counts(project).inputTokens()
                <= meter(PromptCacheStats.INPUT, project) && meter(PromptCacheStats.CACHED, project) >= sum);
        assertThat(stats.overview()).anySatisfy(row -> {
            assertThat(row).containsEntry("project", project).containsEntry("model", MODEL);
            assertThat((Double) row.get("cachedShare")).isPositive();
        });
    }

    @Test
    void theOpenAiSurfaceHasTheSameAffinity() {
        String system = longSystemPrompt();
        List<Long> cached = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system
                    + "\"},{\"role\":\"user\",\"content\":\"question " + i + "\"}]}";
            String answer = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body).exchange().expectStatus().isOk().expectBody(String.class).returnResult()
                    .getResponseBody();
            cached.add(JSON.readTree(answer).path("usage").path("prompt_tokens_details").path("cached_tokens")
                    .asLong());
        }
        onlyProjectUsed(4);
        assertThat(cached.subList(1, 4)).allSatisfy(tokens -> assertThat(tokens).isGreaterThanOrEqualTo(2048));
    }

    @Test
    void aPreferredProjectWithoutHeadroomSpillsToOneDeterministicNextProject() {
        String system = longSystemPrompt();
        nativeCall(system, "first");
        String preferred = onlyProjectUsed(1);
        // The gateway learns the preferred project's limit (its ledger counts from now on): one more request fits.
        quota.learn("default", preferred, MODEL, QuotaMetric.RPM, 1);
        nativeCall(system, "fills the minute");
        assertThat(SIM.counters().forProject(preferred)).isEqualTo(2);
        List<Long> cached = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cached.add(nativeCall(system, "spilled " + i).path("usageMetadata").path("cachedContentTokenCount")
                    .asLong());
        }
        assertThat(SIM.counters().forProject(preferred)).isEqualTo(2);
        List<String> spilledTo = PROJECTS.stream().filter(p -> SIM.counters().forProject(p) > 0)
                .filter(p -> !p.equals(preferred)).toList();
        assertThat(spilledTo).hasSize(1);
        assertThat(SIM.counters().forProject(spilledTo.get(0))).isEqualTo(4);
        // the next project builds its own cache: from its second request on, the prefix is cached there too
        assertThat(cached.get(0)).isZero();
        assertThat(cached.subList(1, 4)).allSatisfy(tokens -> assertThat(tokens).isGreaterThanOrEqualTo(2048));
        assertThat(SIM.counters().withStatus(429)).isZero();
    }

    @Test
    void shortPromptsRotateAsBefore() {
        for (int i = 0; i < 6; i++) {
            nativeCall("Be brief. " + UUID.randomUUID(), "short question " + i);
        }
        assertThat(PROJECTS.stream().filter(p -> SIM.counters().forProject(p) > 0).count()).isGreaterThan(1);
    }

    /** About 3,000 tokens (12,000 characters), unique to the test. */
    private static String longSystemPrompt() {
        return UUID.randomUUID() + " You answer questions about one long policy document. ".repeat(220);
    }

    private JsonNode nativeCall(String system, String question) {
        String body = "{\"systemInstruction\":{\"parts\":[{\"text\":\"" + system + "\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + question + "\"}]}]}";
        String answer = client.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return JSON.readTree(answer);
    }

    /** The one project of the default group the simulator saw requests for, which got all {@code requests}. */
    private static String onlyProjectUsed(int requests) {
        Map<String, Long> used = new java.util.TreeMap<>();
        for (String project : PROJECTS) {
            long count = SIM.counters().forProject(project);
            if (count > 0) {
                used.put(project, count);
            }
        }
        assertThat(used).hasSize(1);
        assertThat(used.values()).containsExactly((long) requests);
        return used.keySet().iterator().next();
    }

    private double meter(String name, String project) {
        Counter counter = meters.find(name).tag("project", project).tag("model", MODEL).counter();
        return counter == null ? 0 : counter.count();
    }
}
