package dev.geminigateway.admin;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.observability.ObservabilityIntegrationTest;
import dev.geminigateway.quota.QuotaPolicy;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.simulator.Quota;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The geminiconsole endpoint: its guard, and what it shows after traffic with a quota 429 and an invalid key. */
class GeminiConsoleEndpointTest extends ObservabilityIntegrationTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private QuotaPolicy policy;

    @Autowired
    private KeySelector keySelector;

    @AfterEach
    void forgetLimitsLearnedHere() {
        // the shared context must not keep p1's learned limit of one request a minute
        policy.forgetLearned();
        registry.allKeys().forEach(key -> store.clearCooldowns(key.project()));
    }

    @Test
    void everyViewNeedsTheAdminToken() {
        for (String path : List.of("headroom", "history", "errors", "keys/" + id(K1))) {
            client.get().uri("/actuator/geminiconsole/" + path).exchange().expectStatus().isUnauthorized();
            client.get().uri("/actuator/geminiconsole/" + path).header("Authorization", "Bearer wrong").exchange()
                    .expectStatus().isUnauthorized();
            admin(client.get().uri("/actuator/geminiconsole/" + path)).exchange().expectStatus().isOk();
        }
        admin(client.get().uri("/actuator/geminiconsole/nope")).exchange().expectStatus().isNotFound();
        admin(client.get().uri("/actuator/geminiconsole/keys/000000000000")).exchange().expectStatus().isNotFound();
    }

    @Test
    void afterAQuota429AndAnInvalidKeyEveryViewTellsWhatHappened() {
        long requestsBefore = sum(history(), "requests");
        long upstream429Before = sum(history(), "upstream429");
        SIM.addKey(K3, "p3", KeyStatus.INVALID);
        SIM.setQuota("p1", MODEL, Quota.of(1, 1_000_000, 1_000));
        for (int i = 0; i < 6; i++) {
            // every key's turn, as plain rotation gives it: on a busy machine one slow answer would otherwise let
            // health weighting hand p1's turns to a faster key, and p1 would never meet its quota
            keySelector.scores().reset();
            generate().expectStatus().isOk();
        }

        String errors = adminGet("/actuator/geminiconsole/errors");
        assertThat(errors).contains("API_KEY_INVALID", "quarantined the key", "Google does not know this key",
                "cooled the project for the model", "PerMinute", "retried with another key");
        assertNoSecret(errors);
        JsonNode invalidOnly = JSON.readTree(adminGet("/actuator/geminiconsole/errors?key=" + id(K3)));
        assertThat(invalidOnly.path("errors").size()).isPositive();
        invalidOnly.path("errors").forEach(e -> assertThat(e.path("keyId").asString()).isEqualTo(id(K3)));
        JsonNode quotaOnly = JSON.readTree(adminGet("/actuator/geminiconsole/errors?reason=perminute"));
        assertThat(quotaOnly.path("errors").size()).isPositive();
        // the list is the context's (earlier tests may have met minute quotas too): every entry matches the filter,
        // and this test's own 429 from p1 is among them
        quotaOnly.path("errors").forEach(e -> assertThat(e.path("code").asString() + e.path("outcome").asString())
                .containsIgnoringCase("perminute"));
        assertThat(quotaOnly.path("errors").valueStream().map(e -> e.path("project").asString())).contains("p1");

        JsonNode history = history();
        assertThat(sum(history, "requests") - requestsBefore).isGreaterThanOrEqualTo(6);
        assertThat(sum(history, "upstream429") - upstream429Before).isPositive();
        assertThat(history.path("minutes").size()).isEqualTo(60);

        String headroomText = adminGet("/actuator/geminiconsole/headroom");
        assertNoSecret(headroomText);
        JsonNode headroom = JSON.readTree(headroomText);
        JsonNode p1 = null;
        for (JsonNode row : headroom.path("rows")) {
            if (row.path("project").asString().equals("p1") && row.path("model").asString().equals(MODEL)) {
                p1 = row;
            }
        }
        assertThat(p1).as("a row for the project whose limit Gemini stated").isNotNull();
        assertThat(p1.path("rpm").path("limit").asLong()).isEqualTo(1);
        assertThat(p1.path("rpm").path("source").asString()).isEqualTo("learned");
        assertThat(p1.path("cooling").path("reason").asString()).isNotBlank();
        assertThat(headroom.path("cooling").toString()).contains("\"project\":\"p1\"");

        // the invalid key's life: quarantined by the gateway, then an operator's reset
        admin(client.post().uri("/actuator/geminikeys/" + id(K3)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "reset"))).exchange().expectStatus().isOk();
        String life = adminGet("/actuator/geminiconsole/keys/" + id(K3));
        assertThat(life).contains("\"by\":\"operator\"", "\"what\":\"reset\"", "\"by\":\"gateway\"",
                "API_KEY_INVALID", "quarantined the key", ApiKey.mask(K3));
        assertNoSecret(life);
    }

    private JsonNode history() {
        return JSON.readTree(adminGet("/actuator/geminiconsole/history"));
    }

    private static long sum(JsonNode history, String figure) {
        long total = 0;
        for (JsonNode series : history.path("series")) {
            if (series.path("group").asString().equals("default") && series.path("model").asString().equals(MODEL)) {
                for (JsonNode n : series.path(figure)) {
                    total += n.asLong();
                }
            }
        }
        return total;
    }

    private static void assertNoSecret(String text) {
        CONFIGURED.forEach(secret -> assertThat(text).doesNotContain(secret));
    }
}
