package dev.geminigateway.sample.ops;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geminigateway.store.KeyState;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.actuate.endpoint.web.WebFluxEndpointHandlerMapping;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** /health, /health/detailed (with cached key validation), /metrics and the dashboard page. */
class OpsEndpointsTest extends OpsGatewayTest {

    @Autowired
    private ApplicationContext context;

    @Test
    void healthSaysOkWhileTheProcessServes() {
        client().get().uri("/health").exchange().expectStatus().isOk()
                .expectBody(String.class).isEqualTo("OK");
        assertThat(SIM.counters().total()).as("never proxied to Gemini").isZero();
    }

    @Test
    void detailedHealthCountsKeysByStateAndGoesDownWithNoKeyLeft() {
        store.setState(id(GAMMA), new KeyState.Quarantined(Instant.now(), "API key not valid"));

        String body = client().get().uri("/health/detailed").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("\"status\":\"UP\"", "\"kind\":\"" + store.kind() + "\"", "\"connected\":true",
                "\"QUARANTINED\":1", "\"ACTIVE\":2", "\"usable\":2");
        SECRETS.forEach(secret -> assertThat(body).doesNotContain(secret));

        registry.allKeys().forEach(key -> store.setState(key.id(), new KeyState.Disabled(Instant.now(), "ops test")));
        client().get().uri("/health/detailed").exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.status").isEqualTo("DOWN");
    }

    @Test
    void validationProbesEveryKeyOnceAndServesTheCachedResultWithinItsTime() {
        long before = SIM.counters().total();

        String first = client().get().uri("/health/detailed?validate=true")
                .header("Authorization", "Bearer " + ADMIN_TOKEN).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        long afterFirst = SIM.counters().total();
        String second = client().get().uri("/health/detailed?validate=true")
                .header("Authorization", "Bearer " + ADMIN_TOKEN).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(afterFirst - before).as("one probe per key").isEqualTo(3);
        assertThat(SIM.counters().total()).as("the second validation is served from cache").isEqualTo(afterFirst);
        assertThat(first).contains("\"validation\"", "\"id\":\"" + id(ALPHA) + "\"", "\"valid\":2", "\"invalid\":1");
        assertThat(second).contains("\"validation\"");
        assertThat(checkedAt(second)).isEqualTo(checkedAt(first));
        SECRETS.forEach(secret -> assertThat(first).doesNotContain(secret));
    }

    @Test
    void validationListsKeysSoItNeedsTheAdminTokenAndAnonymousHealthShowsCountsOnly() {
        long before = SIM.counters().total();

        for (String authorization : new String[] { null, "Bearer wrong-admin-token-0123456789", "Bearer " + CLIENT_TOKEN }) {
            WebTestClient.RequestHeadersSpec<?> request = client().get().uri("/health/detailed?validate=true");
            if (authorization != null) {
                request = request.header("Authorization", authorization);
            }
            request.exchange().expectStatus().isUnauthorized()
                    .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectBody().jsonPath("$.error").isEqualTo("unauthorized")
                    .jsonPath("$.validation").doesNotExist();
        }
        assertThat(SIM.counters().total()).as("no probe for an anonymous caller").isEqualTo(before);

        String anonymous = client().get().uri("/health/detailed").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(anonymous).contains("\"states\"").doesNotContain("\"keys\"", "\"masked\"", "\"id\"",
                "\"validation\"");
        registry.allKeys().forEach(key -> assertThat(anonymous).doesNotContain(key.id(), key.masked()));
    }

    @Test
    void metricsIsThePrometheusTextWithTheGatewaysMeters() {
        generate(2);

        String metrics = client().get().uri("/metrics").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectBody(String.class).returnResult().getResponseBody();
        String actuator = client().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(metrics).contains("gemini_gateway_requests_total{", "gemini_gateway_upstream_attempts_total{",
                "gemini_gateway_keys{", "gemini_gateway_request_duration_seconds_bucket{");
        assertThat(actuator).contains("gemini_gateway_requests_total{");
        SECRETS.forEach(secret -> assertThat(metrics).doesNotContain(secret));
    }

    @Test
    void theDashboardPageIsServedLocallyAndTheAdminApiNeedsTheToken() {
        client().get().uri("/admin").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> assertThat(html).contains("/admin/admin.js")
                        .doesNotContain("http://").doesNotContain("https://"));
        client().get().uri("/admin/admin.js").exchange().expectStatus().isOk();
        client().get().uri("/admin/admin.css").exchange().expectStatus().isOk();
        client().get().uri("/actuator/geminikeys").exchange().expectStatus().isUnauthorized();
        client().get().uri("/actuator/geminikeys").header("Authorization", "Bearer " + ADMIN_TOKEN).exchange()
                .expectStatus().isOk();
        assertThat(SIM.counters().total()).isZero();
    }

    @Test
    void proxiedPathsAreMatchedByTheGatewayBeforeTheActuatorAndDashboardMappings() {
        List<HandlerMapping> mappings = context.getBeansOfType(HandlerMapping.class).values().stream()
                .sorted(AnnotationAwareOrderComparator.INSTANCE).toList();
        assertThat(mappings.get(0)).as("asked first for every request").isInstanceOf(RoutePredicateHandlerMapping.class);
        assertThat(mappings).anySatisfy(mapping -> assertThat(mapping).isInstanceOf(WebFluxEndpointHandlerMapping.class));
        // the later mappings still answer their paths (the dashboard test above covers /admin and its files)
        client().get().uri("/actuator/health").exchange().expectStatus().isOk();
        client().get().uri("/health").exchange().expectStatus().isOk();
        assertThat(SIM.counters().total()).isZero();
    }

    private static String checkedAt(String body) {
        int at = body.indexOf("\"checkedAt\":\"");
        return body.substring(at, body.indexOf('"', at + 13));
    }
}
