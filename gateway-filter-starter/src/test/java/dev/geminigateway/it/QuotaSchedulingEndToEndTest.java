package dev.geminigateway.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import dev.geminigateway.outcome.PacificDay;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.simulator.Quota;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quota-aware scheduling through the gateway, against the simulator enforcing the same limits: once the gateway
 * knows a project's limits (learned from Gemini's 429s, or configured), it never sends Gemini a request Gemini would
 * reject, and answers 429 itself with an exact Retry-After. The shared context has no configured quotas and runs on
 * the real clock, so the limits here are learned or taught at run time and small enough for real time.
 */
class QuotaSchedulingEndToEndTest extends GatewayIntegrationTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final List<String> PROJECTS = List.of("pa", "pb", "pc");

    @Autowired
    private QuotaScheduler quota;

    @AfterEach
    void proactiveAgain() {
        quota.setProactive(true);
    }

    /**
     * A ledger's exact wait as the gateway's Retry-After states it: to the nearest second (whole seconds of the wait
     * less half a second, rounded up), at least one.
     */
    private static long nearestSecond(Duration wait) {
        return Math.max(1, (Math.max(0, wait.minusMillis(500).toMillis()) + 999) / 1000);
    }

    /** What an operator would configure: the same limits Gemini enforces. */
    private void know(String project, QuotaMetric metric, long value) {
        quota.learn("default", project, MODEL, metric, value);
    }

    @Test
    void withKnownDayLimitsNoRequestGeminiWouldRejectIsSent() {
        for (String project : PROJECTS) {
            SIM.setQuota(project, MODEL, Quota.of(1000, 1_000_000, 2));
            know(project, QuotaMetric.RPD, 2);
        }
        for (int i = 0; i < 6; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        for (int i = 0; i < 3; i++) {
            Instant asked = Instant.now();
            Instant midnight = PacificDay.nextMidnight(asked);
            String retryAfter = postNative(GENERATE).expectStatus().isEqualTo(429)
                    .expectBody().jsonPath("$.error.status").isEqualTo("RESOURCE_EXHAUSTED")
                    .returnResult().getResponseHeaders().getFirst("Retry-After");
            Instant answered = Instant.now();
            assertThat(Long.parseLong(retryAfter)).as("Retry-After, seconds until Pacific midnight")
                    .isBetween(nearestSecond(Duration.between(answered, midnight)),
                            nearestSecond(Duration.between(asked, midnight)));
        }
        assertThat(SIM.counters().total()).isEqualTo(6);
        assertThat(SIM.counters().withStatus(429)).isZero();
        for (String project : PROJECTS) {
            assertThat(SIM.counters().forProject(project)).isEqualTo(2);
        }
    }

    @Test
    void withKnownMinuteLimitsTheGatewayAnswers429WithRetryAfterToTheSecond() {
        for (String project : PROJECTS) {
            SIM.setQuota(project, MODEL, Quota.of(1, 1_000_000, 1000));
            know(project, QuotaMetric.RPM, 1);
        }
        // The first admission leaves the window 60 s (plus a 250 ms safety margin) after it was made: it was made
        // between sentFirst and firstAnswered, and the 429 is decided between asked and answered.
        Duration window = Duration.ofSeconds(60).plusMillis(250);
        Instant sentFirst = Instant.now();
        postNative(GENERATE).expectStatus().isOk();
        Instant firstAnswered = Instant.now();
        for (int i = 0; i < 2; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        Instant asked = Instant.now();
        String retryAfter = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.type").isEqualTo("rate_limit_error")
                .returnResult().getResponseHeaders().getFirst("Retry-After");
        Instant answered = Instant.now();
        assertThat(Long.parseLong(retryAfter)).as("Retry-After, seconds until the first admission leaves the window")
                .isBetween(nearestSecond(Duration.between(answered, sentFirst.plus(window))),
                        nearestSecond(Duration.between(asked, firstAnswered.plus(window))));
        assertThat(SIM.counters().total()).isEqualTo(3);
        assertThat(SIM.counters().withStatus(429)).isZero();
    }

    @Test
    void aLimitStatedInGeminis429IsLearnedAndNeverHitAgain() {
        SIM.setQuota("pb", MODEL, Quota.of(1000, 1_000_000, 1));
        for (int i = 0; i < 12; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        assertThat(quota.policy().learned("pb", MODEL).rpd()).isEqualTo(1);
        assertThat(SIM.counters().withStatus(429)).isEqualTo(1);
        // pb answered one success and one 429; after that the gateway knows better
        assertThat(SIM.counters().forProject("pb")).isEqualTo(2);
        // its ledger agrees with Gemini: nothing left today
        assertThat(quota.ledgers().headroom("pb", MODEL, quota.policy().limits("default", "pb", MODEL)).requestsToday())
                .isZero();
    }

    @Test
    void aRequestLargerThanEveryProjectsTokenLimitIsAnsweredWithoutCallingGemini() {
        for (String project : PROJECTS) {
            know(project, QuotaMetric.TPM, 5);
        }
        client.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"contents\":[{\"parts\":[{\"text\":\"" + "long text ".repeat(20) + "\"}]}]}")
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().doesNotExist("Retry-After")
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("tpm limit"));
        assertThat(SIM.counters().total()).isZero();
    }

    @Test
    void reactiveModeSendsWhatGeminiRejects() {
        quota.setProactive(false);
        for (String project : PROJECTS) {
            SIM.setQuota(project, MODEL, Quota.of(1000, 1_000_000, 1));
            know(project, QuotaMetric.RPD, 1);
        }
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(postNative(GENERATE).returnResult(String.class).getStatus().value());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429);
        // The known limits were not used: the fourth request was sent to Gemini and rejected there.
        assertThat(SIM.counters().withStatus(429)).isPositive();
    }

    @Test
    void eachSuccessfulAttemptKeepsItsReservationInTheProjectThatServedIt() {
        for (String project : PROJECTS) {
            know(project, QuotaMetric.TPM, 10_000);
        }
        // Gemini's own count of this prompt: after each answer the reservation is corrected to it.
        String answer = postNative(GENERATE).expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
        long real = tools.jackson.databind.json.JsonMapper.builder().build().readTree(answer)
                .path("usageMetadata").path("promptTokenCount").asLong();
        assertThat(real).isPositive();
        for (int i = 0; i < 2; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        // The correction happens as the answer's last bytes pass, which may be just after the client has them.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String project : PROJECTS) {
                QuotaLimits limits = quota.policy().limits("default", project, MODEL);
                long charged = 10_000 - quota.ledgers().headroom(project, MODEL, limits).tokensThisMinute();
                assertThat(charged).as("tokens charged to %s", project)
                        .isEqualTo(SIM.counters().forProject(project) * real);
                // the minute's requests are not limited here: only tokens are known
                assertThat(limits.rpm()).isEqualTo(QuotaLimits.NONE);
            }
        });
    }

}
