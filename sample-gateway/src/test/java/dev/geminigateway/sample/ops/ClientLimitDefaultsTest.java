package dev.geminigateway.sample.ops;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample gateway's own defaults (application.yml, no client limit set) do not throttle one busy client: a batch
 * job on one token sends well over the old 60 requests a minute and every request is served.
 */
class ClientLimitDefaultsTest extends OpsGatewayTest {

    @Test
    void oneTokenSendsOverAHundredRequestsInAMinuteAndAllAreServed() {
        int requests = 120;
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            statuses.add(client().post().uri(MODEL_PATH).header("x-goog-api-key", CLIENT_TOKEN)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"contents\":[{\"parts\":[{\"text\":\"batch item " + i + "\"}]}]}")
                    .exchange().returnResult(String.class).getStatus().value());
        }

        assertThat(statuses).hasSize(requests).containsOnly(200);
        assertThat(SIM.counters().withStatus(200)).isEqualTo(requests);
    }
}
