package dev.geminigateway.it;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.geminigateway.client.ClientBudgets;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-token budgets against the simulator, on a clock the test sets (budget zone Europe/Berlin): a used-up budget
 * answers 429 with the seconds until that zone's midnight (or month's end) and names only the caller's own budget;
 * it renews when the clock passes that moment. Each test uses a token of its own.
 */
@SpringBootTest(classes = { TestGatewayApplication.class, ClientBudgetEndToEndTest.Clocked.class },
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
                "gemini.gateway.client-auth.budgets.zone=Europe/Berlin",
                "gemini.gateway.client-auth.tokens[0].name=daily-two",
                "gemini.gateway.client-auth.tokens[0].token=" + ClientBudgetEndToEndTest.DAILY_TWO,
                "gemini.gateway.client-auth.tokens[0].budget.requests-per-day=2",
                "gemini.gateway.client-auth.tokens[1].name=monthly-output",
                "gemini.gateway.client-auth.tokens[1].token=" + ClientBudgetEndToEndTest.MONTHLY_OUTPUT,
                "gemini.gateway.client-auth.tokens[1].budget.output-tokens-per-month=1",
                "gemini.gateway.client-auth.tokens[2].name=no-budget",
                "gemini.gateway.client-auth.tokens[2].token=" + ClientBudgetEndToEndTest.NO_BUDGET })
class ClientBudgetEndToEndTest {

    static final String DAILY_TWO = "budget-daily-two-0123456789";
    static final String MONTHLY_OUTPUT = "budget-monthly-output-0123456789";
    static final String NO_BUDGET = "budget-none-0123456789";
    private static final String KEY = "AIzaSyTestKeyBudgetkkkkkkkkkkkkkkkkkkkkkk";
    private static final String BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}";

    static final GeminiSimulator SIM = GeminiSimulator.start();
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-05-14T21:30:00Z"));

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocked {

        @Bean
        MutableClock budgetTestClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        String routes = "spring.cloud.gateway.server.webflux.routes";
        registry.add("gemini.gateway.groups.default.keys", () -> KEY + "@pbudget");
        registry.add(routes + "[0].id", () -> "openai");
        registry.add(routes + "[0].uri", SIM::baseUrl);
        registry.add(routes + "[0].predicates[0]", () -> "Path=/v1/chat/**");
        registry.add(routes + "[0].filters[0]", () -> "ClientAuth");
        registry.add(routes + "[0].filters[1]", () -> "RewritePath=/v1/(?<rest>.*), /v1beta/openai/$\\{rest}");
        registry.add(routes + "[0].filters[2]", () -> "KeyRotation=default");
        registry.add(routes + "[0].filters[3]", () -> "KeyHealthFeedback");
        registry.add(routes + "[1].id", () -> "native");
        registry.add(routes + "[1].uri", SIM::baseUrl);
        registry.add(routes + "[1].predicates[0]", () -> "Path=/v1beta/**");
        registry.add(routes + "[1].filters[0]", () -> "ClientAuth");
        registry.add(routes + "[1].filters[1]", () -> "KeyRotation=default");
        registry.add(routes + "[1].filters[2]", () -> "KeyHealthFeedback");
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ClientBudgets budgets;

    WebTestClient client;

    @BeforeEach
    void cleanSimulator() {
        SIM.reset();
        SIM.addKey(KEY, "pbudget");
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stopSimulator() {
        SIM.close();
    }

    @Test
    void aUsedUpDayBudgetAnswers429UntilMidnightOfItsZoneThenRenews() {
        CLOCK.set(Instant.parse("2026-05-14T21:30:00Z")); // 23:30 in Berlin (CEST)
        double before = usage("daily-two", "requests");
        long shownBefore = shown("daily-two", "requests");
        generate(DAILY_TWO).expectStatus().isOk();
        generate(DAILY_TWO).expectStatus().isOk();
        long upstream = SIM.counters().total();

        generate(DAILY_TWO).expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "1800")
                .expectBody()
                .jsonPath("$.error.status").isEqualTo("RESOURCE_EXHAUSTED")
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("'daily-two'").contains("2 requests per day").contains("Europe/Berlin")
                        .doesNotContain("monthly-output").doesNotContain(DAILY_TWO));
        assertThat(SIM.counters().total()).as("a refused request never reaches Gemini").isEqualTo(upstream);
        generate(NO_BUDGET).expectStatus().isOk();

        CLOCK.set(Instant.parse("2026-05-14T22:00:01Z")); // just past midnight in Berlin
        generate(DAILY_TWO).expectStatus().isOk();
        assertThat(usage("daily-two", "requests") - before).isEqualTo(3.0);
        // the admin overview (and the console's Clients table) shows the same use under the token's name
        assertThat(shown("daily-two", "requests") - shownBefore).isEqualTo(3L);
        assertThat(budgets.view().toString()).doesNotContain(DAILY_TWO);
    }

    @Test
    void anOutputTokenBudgetRefusesOnTheOpenAiSurfaceInItsFormatUntilTheMonthEnds() {
        CLOCK.set(Instant.parse("2026-05-20T10:00:00Z"));
        double before = usage("monthly-output", "output_tokens");
        chat(MONTHLY_OUTPUT).expectStatus().isOk();
        // the usage reaches the budget once the answer has passed to the client
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(usage("monthly-output", "output_tokens")).isGreaterThan(before));

        long untilJune = Duration.between(CLOCK.instant(), Instant.parse("2026-05-31T22:00:00Z")).toSeconds();
        chat(MONTHLY_OUTPUT).expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", Long.toString(untilJune))
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("insufficient_quota")
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("'monthly-output'").contains("1 output tokens per month"));
        assertThat(budgets.view().toString()).contains("monthly-output").doesNotContain(MONTHLY_OUTPUT);

        CLOCK.set(Instant.parse("2026-05-31T22:00:00Z"));
        chat(MONTHLY_OUTPUT).expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec generate(String token) {
        return client.post().uri("/v1beta/models/gemini-2.5-flash:generateContent").header("x-goog-api-key", token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(BODY).exchange();
    }

    private WebTestClient.ResponseSpec chat(String token) {
        return client.post().uri("/v1/chat/completions").header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange();
    }

    @SuppressWarnings("unchecked")
    private long shown(String client, String measure) {
        Map<String, Map<String, Long>> usage = (Map<String, Map<String, Long>>) budgets.view().get("usage");
        return usage.getOrDefault(client, Map.of()).getOrDefault(measure, 0L);
    }

    private double usage(String client, String measure) {
        Counter counter = meters.find("gemini.gateway.client.usage").tags("client", client, "measure", measure)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
