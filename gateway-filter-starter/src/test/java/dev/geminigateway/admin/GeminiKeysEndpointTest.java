package dev.geminigateway.admin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.observability.ObservabilityIntegrationTest;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.support.RawHttpConnection;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The geminikeys admin endpoint: its guard, each action's effect, runtime keys, and that no secret leaks. */
@ExtendWith(OutputCaptureExtension.class)
class GeminiKeysEndpointTest extends ObservabilityIntegrationTest {

    private static final String NEW_KEY = "AIzaSyObsRuntimeKeyddddddddddddddddddddd";

    @Autowired
    private KeySelector keySelector;

    @Test
    void refusesRequestsWithoutOrWithAWrongTokenAndAcceptsTheAdminToken() {
        client.get().uri("/actuator/geminikeys").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer");
        client.get().uri("/actuator/geminikeys").header("Authorization", "Bearer wrong-token").exchange()
                .expectStatus().isUnauthorized();
        client.get().uri("/actuator/geminikeys").header("Authorization", "Basic " + ADMIN_TOKEN).exchange()
                .expectStatus().isUnauthorized();
        client.post().uri("/actuator/geminikeys/" + id(K1)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "disable")).exchange().expectStatus().isUnauthorized();
        assertThat(store.state(id(K1))).isInstanceOf(KeyState.Active.class);

        admin(client.get().uri("/actuator/geminikeys")).exchange().expectStatus().isOk();
        // other management endpoints share the guard; health and prometheus stay open for probes and scrapes
        client.get().uri("/actuator/info").exchange().expectStatus().isUnauthorized();
        client.get().uri("/actuator/health").exchange().expectStatus().isOk();
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    @Test
    void listsKeysByIdAndMaskOnly() {
        store.coolDown(new Cooldown("p2", "gemini-2.5-flash", Instant.now().plusSeconds(60), "per-minute quota"));

        String body = adminGet("/actuator/geminikeys");

        assertThat(body).contains(id(K1), id(K2), id(K3), ApiKey.mask(K1), "\"group\":\"default\"",
                "\"project\":\"p2\"", "\"state\":\"ACTIVE\"", "per-minute quota", "\"kind\":\"" + store.kind() + "\"");
        assertNoSecret(body);
        admin(client.get().uri("/actuator/geminikeys/" + id(K2))).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(id(K2))
                .jsonPath("$.cooldowns[0].model").isEqualTo("gemini-2.5-flash");
        admin(client.get().uri("/actuator/geminikeys/000000000000")).exchange().expectStatus().isNotFound();
    }

    @Test
    void disableEnableAndResetChangeTheStore(CapturedOutput output) {
        String k1 = id(K1);

        String disabled = action(k1, "disable").expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
        assertThat(store.state(k1)).isInstanceOf(KeyState.Disabled.class);
        assertThat(disabled).contains("\"state\":\"DISABLED\"");
        assertNoSecret(disabled);

        action(k1, "enable").expectStatus().isOk();
        assertThat(store.state(k1)).isInstanceOf(KeyState.Active.class);

        store.setState(k1, new KeyState.Quarantined(Instant.now(), "API key not valid"));
        store.recordFailure(k1);
        store.recordFailure(k1);
        store.coolDown(new Cooldown("p1", "gemini-2.5-flash", Instant.now().plusSeconds(600), "per-day quota"));
        action(k1, "reset").expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("ACTIVE")
                .jsonPath("$.consecutiveFailures").isEqualTo(0).jsonPath("$.cooldowns.length()").isEqualTo(0);
        assertThat(store.state(k1)).isInstanceOf(KeyState.Active.class);
        assertThat(store.consecutiveFailures(k1)).isZero();
        assertThat(store.cooldown("p1", "gemini-2.5-flash", Instant.now())).isEmpty();

        action(k1, "explode").expectStatus().isBadRequest();
        action("000000000000", "disable").expectStatus().isNotFound();

        assertThat(output.getOut()).contains("action=disable key=" + k1 + " result=ok remote=127.0.0.1")
                .contains("action=enable key=" + k1 + " result=ok").contains("action=reset key=" + k1 + " result=ok");
        assertNoSecret(output.getAll());
        assertThat(output.getAll()).doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void probeCallsGeminiOnceAndBringsAQuarantinedKeyBack() {
        String k2 = id(K2);
        store.setState(k2, new KeyState.Quarantined(Instant.now(), "API key not valid"));
        long before = SIM.counters().forKey(K2);

        action(k2, "probe").expectStatus().isOk().expectBody().jsonPath("$.valid").isEqualTo(true)
                .jsonPath("$.state").isEqualTo("ACTIVE");

        assertThat(SIM.counters().forKey(K2)).isEqualTo(before + 1);
        assertThat(store.state(k2)).isInstanceOf(KeyState.Active.class);

        SIM.addKey(K3, "p3", KeyStatus.INVALID);
        action(id(K3), "probe").expectStatus().isOk().expectBody().jsonPath("$.valid").isEqualTo(false);
    }

    @Test
    void aKeyAddedAtRunTimeIsUsedByRotationAndCanBeRemoved(CapturedOutput output) {
        SIM.addKey(NEW_KEY, "p4");
        String added = admin(client.post().uri("/actuator/geminikeys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", NEW_KEY, "group", "default", "project", "p4", "label", "runtime")))
                .exchange().expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();

        assertThat(added).contains("\"id\":\"" + id(NEW_KEY) + "\"", "\"masked\":\"" + ApiKey.mask(NEW_KEY) + "\"",
                "\"persisted\":false", "\"addedAtRuntime\":true", "\"replica\":\"",
                "lives only in the memory of replica ", "until it restarts");
        assertThat(added).doesNotContain(NEW_KEY);
        assertThat(registry.key(id(NEW_KEY))).isPresent();

        CONFIGURED.forEach(key -> store.setState(id(key), new KeyState.Disabled(Instant.now(), "test")));
        generate().expectStatus().isOk();
        assertThat(SIM.counters().forKey(NEW_KEY)).isEqualTo(1);
        assertThat(keySelector.scores().tracks(id(NEW_KEY))).isTrue();

        admin(client.post().uri("/actuator/geminikeys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", NEW_KEY))).exchange().expectStatus().isEqualTo(409);

        String removed = admin(client.delete().uri("/actuator/geminikeys/" + id(NEW_KEY))).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(removed).contains("\"removed\":true").doesNotContain(NEW_KEY);
        assertThat(registry.key(id(NEW_KEY))).isEmpty();
        assertThat(keySelector.scores().tracks(id(NEW_KEY))).as("health score of a removed key").isFalse();
        admin(client.delete().uri("/actuator/geminikeys/" + id(NEW_KEY))).exchange().expectStatus().isNotFound();

        assertThat(output.getOut()).contains("action=add key=" + id(NEW_KEY) + " result=ok")
                .contains("action=remove key=" + id(NEW_KEY) + " result=ok");
        assertThat(output.getAll()).doesNotContain(NEW_KEY);
        assertNoSecret(output.getAll());
    }

    @Test
    void addingToAnUnknownGroupIsRefusedWithoutEchoingTheKey() {
        String body = admin(client.post().uri("/actuator/geminikeys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", NEW_KEY, "group", "nope"))).exchange().expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).doesNotContain(NEW_KEY).contains("nope");
    }

    /**
     * Writes and reads alternate on one keep-alive connection and every request is answered: an answer completed off
     * the event loop could leave the next request on its connection unanswered (ARCHITECTURE.md §10.1). A hang fails
     * at the read timeout; the whole run has a deadline.
     */
    @Test
    void writesAndReadsAlternatingOnOneKeepAliveConnectionAreAllAnswered() {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + ADMIN_TOKEN);
        byte[] add = ("{\"key\":\"" + NEW_KEY + "\",\"project\":\"p4\"}").getBytes(StandardCharsets.UTF_8);
        byte[] disable = "{\"action\":\"disable\"}".getBytes(StandardCharsets.UTF_8);
        byte[] enable = "{\"action\":\"enable\"}".getBytes(StandardCharsets.UTF_8);
        byte[] reset = "{\"action\":\"reset\"}".getBytes(StandardCharsets.UTF_8);
        byte[] none = new byte[0];
        String k3 = "/actuator/geminikeys/" + id(K3);
        String added = "/actuator/geminikeys/" + id(NEW_KEY);
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            try (RawHttpConnection connection = new RawHttpConnection(port, 10_000)) {
                for (int round = 0; round < 50; round++) {
                    assertThat(connection.exchange("POST", "/actuator/geminikeys", auth, add)).as("add, round %d", round)
                            .isEqualTo(201);
                    assertThat(connection.exchange("GET", added, auth, none)).as("read, round %d", round).isEqualTo(200);
                    assertThat(connection.exchange("POST", k3, auth, disable)).as("disable, round %d", round)
                            .isEqualTo(200);
                    assertThat(connection.exchange("GET", "/actuator/geminikeys", auth, none))
                            .as("overview, round %d", round).isEqualTo(200);
                    assertThat(connection.exchange("POST", k3, auth, round % 2 == 0 ? enable : reset))
                            .as("enable or reset, round %d", round).isEqualTo(200);
                    assertThat(connection.exchange("DELETE", added, auth, none)).as("remove, round %d", round)
                            .isEqualTo(200);
                    assertThat(connection.answerClosesConnection()).isFalse();
                }
            }
        });
        assertThat(registry.key(id(NEW_KEY))).isEmpty();
        assertThat(store.state(id(K3))).isInstanceOf(KeyState.Active.class);
    }

    private WebTestClient.ResponseSpec action(String keyId, String action) {
        return admin(client.post().uri("/actuator/geminikeys/" + keyId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", action))).exchange();
    }

    private static void assertNoSecret(String text) {
        CONFIGURED.forEach(secret -> assertThat(text).doesNotContain(secret));
        assertThat(text).doesNotContain(NEW_KEY);
    }
}
