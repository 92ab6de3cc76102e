package dev.geminigateway.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.store.KeyState;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Metrics at /actuator/prometheus, request ids, the access log and the geminiKeys health contributor. */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityEndToEndTest extends ObservabilityIntegrationTest {


    @Test
    void prometheusShowsTheDashboardsMetricsAfterTraffic() {
        String before = scrape();
        generate().expectStatus().isOk();
        client.post().uri(MODEL_PATH).contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE_BODY).exchange()
                .expectStatus().isUnauthorized();

        // The request's meters are recorded once its answer has gone out: wait for them rather than race them.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String text = scrape();
            assertThat(added(before, text, "gemini_gateway_requests_total", "route=\"gemini\"", "status=\"200\"",
                    "surface=\"native\"")).as("200s counted").isGreaterThanOrEqualTo(1);
            assertThat(added(before, text, "gemini_gateway_upstream_attempts_total", "outcome=\"success\""))
                    .as("successful attempts counted").isGreaterThanOrEqualTo(1);
            assertThat(added(before, text, "gemini_gateway_local_rejections_total", "status=\"401\""))
                    .as("the 401 counted as a local rejection").isGreaterThanOrEqualTo(1);
            assertThat(added(before, text, "gemini_gateway_request_duration_seconds_count", "route=\"gemini\""))
                    .as("both requests timed").isGreaterThanOrEqualTo(2);
            assertThat(added(before, text, "gemini_gateway_selection_seconds_count", "route=\"gemini\""))
                    .as("the key selection timed").isGreaterThanOrEqualTo(1);
            assertThat(added(before, text, "gemini_gateway_request_attempts_count", "route=\"gemini\""))
                    .as("the attempts of the 200 counted").isGreaterThanOrEqualTo(1);
            assertThat(text)
                    .containsPattern("gemini_gateway_upstream_attempts_total\\{key=\"[0-9a-f]{12}\",outcome=\"success\"\\}")
                    .containsPattern("gemini_gateway_keys\\{group=\"default\",state=\"ACTIVE\"\\} 3")
                    .containsPattern("gemini_gateway_keys\\{group=\"default\",state=\"DISABLED\"\\} 0")
                    .contains("gemini_gateway_request_duration_seconds_bucket{")
                    .contains("gemini_gateway_request_attempts_bucket{");
            CONFIGURED.forEach(secret -> assertThat(text).doesNotContain(secret));
        });
    }

    @Test
    void aQuotaAnswerCountsAStartedCooldownAndMovesRotationOn() {
        SIM.setQuota("p1", "gemini-2.5-flash", Quota.of(1, 1_000_000, 1000));
        SIM.setQuota("p2", "gemini-2.5-flash", Quota.of(1, 1_000_000, 1000));
        SIM.setQuota("p3", "gemini-2.5-flash", Quota.of(1, 1_000_000, 1000));
        String before = scrape();
        for (int i = 0; i < 4; i++) {
            generate();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String text = scrape();
            assertThat(added(before, text, "gemini_gateway_cooldowns_started_total", "kind=\"minute_quota\""))
                    .as("minute-quota cooldowns started").isGreaterThanOrEqualTo(1);
            assertThat(added(before, text, "gemini_gateway_upstream_attempts_total", "outcome=\"minute_quota\""))
                    .as("attempts answered with a minute-quota 429").isGreaterThanOrEqualTo(1);
            assertThat(added(before, text, "gemini_gateway_local_rejections_total", "status=\"429\""))
                    .as("the gateway's own 429").isGreaterThanOrEqualTo(1);
            assertThat(text).containsPattern("gemini_gateway_upstream_attempts_total\\{key=\"[0-9a-f]{12}\","
                    + "outcome=\"minute_quota\"\\}");
        });
    }

    @Test
    void aKeyThatKeepsFailingAloneIsBenchedAndTheBenchCounted() {
        String before = scrape();
        SIM.addFault(Fault.status(500).forKey(K1));
        for (int i = 0; i < 12 && !(store.state(id(K1)) instanceof KeyState.CoolingDown); i++) {
            // Health weighting would keep the failing key from its turns (its score drops at the first 500):
            // forget the scores so that plain rotation brings it back until its failures bench it.
            selector.scores().reset();
            generate().expectStatus().isOk();
        }
        assertThat(store.state(id(K1))).isInstanceOf(KeyState.CoolingDown.class);

        // The keys-by-state gauges reuse one inspection for 200 ms: a scrape just before this one (this test's own, or
        // the previous test's) may be reused, so the gauge is waited for.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String text = scrape();
            assertThat(added(before, text, "gemini_gateway_cooldowns_started_total", "kind=\"bench\""))
                    .as("benches started").isGreaterThanOrEqualTo(1);
            assertThat(added(before, text, "gemini_gateway_upstream_attempts_total", "key=\"" + id(K1) + "\"",
                    "outcome=\"server_error\"")).as("K1's failed attempts").isGreaterThanOrEqualTo(3);
            assertThat(text).containsPattern("gemini_gateway_keys\\{group=\"default\",state=\"COOLING_DOWN\"\\} 1");
        });
    }

    private String scrape() {
        return client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    /**
     * How much the samples of {@code name} whose labels include every one of {@code labels} (e.g. {@code
     * status="401"}) grew from one scrape to the next: counters are cumulative over every test of the shared context.
     */
    private static double added(String before, String after, String name, String... labels) {
        return sum(after, name, labels) - sum(before, name, labels);
    }

    private static double sum(String scrape, String name, String... labels) {
        double sum = 0;
        for (String line : scrape.split("\\R")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            String labelSet = "," + line.substring(name.length() + 1, line.lastIndexOf('}')) + ",";
            if (Arrays.stream(labels).allMatch(label -> labelSet.contains("," + label + ","))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Test
    void aValidRequestIdIsEchoedAndAnInvalidOneReplaced(CapturedOutput output) {
        String echoed = client.post().uri(MODEL_PATH).header("x-goog-api-key", CLIENT_TOKEN)
                .header("X-Request-Id", "trace-42.a_b").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(NATIVE_BODY).exchange().expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        assertThat(echoed).isEqualTo("trace-42.a_b");

        String replaced = client.post().uri(MODEL_PATH).header("x-goog-api-key", CLIENT_TOKEN)
                .header("X-Request-Id", "bad id\" with spaces").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(NATIVE_BODY).exchange().expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        assertThat(replaced).matches("[0-9a-f-]{36}");

        assertThat(output.getOut()).containsPattern("requestId=trace-42.a_b method=POST path=" + MODEL_PATH
                + " route=gemini surface=native model=gemini-2.5-flash keys=[0-9a-f]{12} attempts=1 outcome=success "
                + "status=200 estimatedTokens=\\S+ latencyMs=\\d+");
        CONFIGURED.forEach(secret -> assertThat(output.getAll()).doesNotContain(secret));
        assertThat(output.getAll()).doesNotContain(CLIENT_TOKEN);
    }

    @Test
    void gatewayMadeErrorsAndBothKindsOf401CarryARequestId() {
        String clientAuth = client.post().uri(MODEL_PATH).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(NATIVE_BODY).exchange().expectStatus().isUnauthorized()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        assertThat(clientAuth).isNotBlank();

        String admin = client.get().uri("/actuator/geminikeys").header("X-Request-Id", "adm-1").exchange()
                .expectStatus().isUnauthorized().returnResult(String.class).getResponseHeaders()
                .getFirst("X-Request-Id");
        assertThat(admin).isEqualTo("adm-1");

        registry.allKeys().forEach(key -> store.setState(key.id(), new KeyState.Disabled(Instant.now(), "test")));
        String refused = generate().expectStatus().isEqualTo(503).returnResult(String.class).getResponseHeaders()
                .getFirst("X-Request-Id");
        assertThat(refused).isNotBlank();
    }

    @Test
    void healthIsDownAndReadinessFailsWhenEveryKeyIsQuarantined() {
        client.get().uri("/actuator/health/geminiKeys").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.details.groups.default.usable").isEqualTo(3)
                .jsonPath("$.details.store.kind").isEqualTo(store.kind())
                .jsonPath("$.details.store.connected").isEqualTo(true);

        registry.allKeys().forEach(key -> store.setState(key.id(),
                new KeyState.Quarantined(Instant.now(), "API key not valid")));

        client.get().uri("/actuator/health/geminiKeys").exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.status").isEqualTo("DOWN")
                .jsonPath("$.details.groups.default.states.QUARANTINED").isEqualTo(3)
                .jsonPath("$.details.groups.default.usable").isEqualTo(0);
        client.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    @Test
    void aBenchedKeyStillCountsAsServiceable() {
        String k1 = id(K1);
        // a bench never replaces an operator's DISABLED, so k1 is benched and only the others disabled
        registry.allKeys().stream().filter(key -> !key.id().equals(k1))
                .forEach(key -> store.setState(key.id(), new KeyState.Disabled(Instant.now(), "test")));
        store.setState(k1, new KeyState.CoolingDown(Instant.now().plusSeconds(300), "benched after 3 failures"));

        client.get().uri("/actuator/health/geminiKeys").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.details.groups.default.states.COOLING_DOWN").isEqualTo(1)
                .jsonPath("$.details.groups.default.usable").isEqualTo(0);
    }
}
