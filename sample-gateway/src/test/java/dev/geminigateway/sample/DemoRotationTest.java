package dev.geminigateway.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.geminigateway.sample.demo.DemoUpstream;
import dev.geminigateway.sample.demo.DemoUpstream.DemoKey;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.store.KeyState;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo shows what the gateway is for: the keys take turns, and a bad key is dropped after one try. */
class DemoRotationTest extends DemoGatewayTest {

    @Autowired
    private QuotaScheduler quota;

    private static final String CHAT = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"rotate\"}]}";

    @Test
    void keysTakeTurnsAndTheInvalidKeyIsQuarantinedAfterOneUse() {
        DemoKey invalid = DemoUpstream.invalidKeys().get(0);
        // The context is shared: another test may have met the invalid key first. Start it over and count from here.
        keyStates.setOperatorState(id(invalid), KeyState.Active.INSTANCE);
        // Other tests may have spent demo-alpha's 5 requests of this minute: start the minute over on both sides
        // (the simulator's clock, the gateway's ledgers, learned limits and cooldowns) so the keys can take turns.
        simulator.setClock(simulator.now().plus(Duration.ofMinutes(2)));
        quota.ledgers().reset();
        quota.policy().forgetLearned();
        DemoUpstream.validKeys().forEach(key -> keyStates.clearCooldowns(key.project()));
        long invalidBefore = simulator.counters().forKey(invalid.key());
        long invalid400Before = simulator.counters().forKeyWithStatus(invalid.key(), 400);
        Map<DemoKey, Long> validBefore = DemoUpstream.validKeys().stream()
                .collect(Collectors.toMap(key -> key, key -> simulator.counters().forKey(key.key())));
        int sent = 0;
        while (sent < 20 && !(keyStates.state(id(invalid)) instanceof KeyState.Quarantined)) {
            chatSucceeds();
            sent++;
        }
        assertThat(keyStates.state(id(invalid))).as("after %d requests", sent).isInstanceOf(KeyState.Quarantined.class);

        for (int i = 0; i < 6; i++) {
            chatSucceeds();
        }

        assertThat(simulator.counters().forKey(invalid.key()) - invalidBefore).as("the invalid key is never used twice")
                .isEqualTo(1);
        assertThat(simulator.counters().forKeyWithStatus(invalid.key(), 400) - invalid400Before).isEqualTo(1);
        List<DemoKey> used = DemoUpstream.validKeys().stream()
                .filter(key -> simulator.counters().forKey(key.key()) > validBefore.get(key)).toList();
        assertThat(used).as("valid keys that served requests").hasSizeGreaterThanOrEqualTo(2);
    }

    private void chatSucceeds() {
        client().post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isNotEmpty();
    }
}
