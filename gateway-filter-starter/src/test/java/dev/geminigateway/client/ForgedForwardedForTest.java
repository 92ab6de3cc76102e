package dev.geminigateway.client;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway that believes it runs on Kubernetes, with no trusted proxy: Spring Boot would then honour
 * X-Forwarded-For natively, letting each guess come from an address of the client's choosing. Its own context,
 * because the cloud platform and an empty trusted-proxy list are exactly what the shared contexts must not have.
 */
@SpringBootTest(classes = ForgedForwardedForTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "spring.main.cloud-platform=kubernetes",
                "gemini.gateway.client-auth.tokens=token-gamma-0123456789",
                "spring.cloud.gateway.server.webflux.routes[0].id=native",
                "spring.cloud.gateway.server.webflux.routes[0].uri=http://127.0.0.1:9",
                "spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/v1beta/**",
                "spring.cloud.gateway.server.webflux.routes[0].filters[0]=ClientAuth" })
@AutoConfigureWebTestClient
class ForgedForwardedForTest {

    @Autowired
    WebTestClient client;

    @Autowired
    Environment environment;

    @Test
    void aForgedForwardedForDoesNotChangeTheAddressTheLockoutSees() {
        assertThat(CloudPlatform.getActive(environment)).isEqualTo(CloudPlatform.KUBERNETES);
        assertThat(environment.getProperty(ForwardedHeadersOff.PROPERTY)).isEqualTo("none");

        for (int i = 0; i < 3; i++) {
            client.get().uri("/v1beta/models").header("x-goog-api-key", "guess-" + i)
                    .header("X-Forwarded-For", "203.0.113." + (10 + i))
                    .exchange().expectStatus().isUnauthorized();
        }
        // every guess counted against the real peer, whatever address it claimed
        client.get().uri("/v1beta/models").header("x-goog-api-key", "token-gamma-0123456789")
                .header("X-Forwarded-For", "203.0.113.99")
                .exchange().expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.status").isEqualTo("RESOURCE_EXHAUSTED");
    }

    @Test
    void anApplicationThatSetsTheStrategyKeepsIt() {
        MockEnvironment configured = new MockEnvironment();
        configured.getPropertySources().addFirst(new MapPropertySource("application",
                Map.of(ForwardedHeadersOff.PROPERTY, "framework")));
        new ForwardedHeadersOff().postProcessEnvironment(configured, new SpringApplication());
        assertThat(configured.getProperty(ForwardedHeadersOff.PROPERTY)).isEqualTo("framework");

        MockEnvironment unset = new MockEnvironment();
        new ForwardedHeadersOff().postProcessEnvironment(unset, new SpringApplication());
        assertThat(unset.getProperty(ForwardedHeadersOff.PROPERTY)).isEqualTo("none");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
