package dev.geminigateway.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

import dev.geminigateway.it.TestGatewayApplication;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client token's budget is one budget across gateway replicas sharing a redis-server: two replicas against the
 * simulator, requests of one token through either, the request that passes the budget refused by whichever replica
 * gets it (429, {@code Retry-After} until midnight, the message naming the caller's budget), and both serving it
 * again once the day is over.
 */
class TwoReplicaClientBudgetTest extends StandaloneRedisTest {

    private static final String TOKEN = "replica-budget-token-0123456789";
    private static final String KEY = "AIzaSyReplicaBudgetKeykkkkkkkkkkkkkkkkkk";
    private static final String BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-05-14T12:00:00Z"));

    private static GeminiSimulator sim;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void startReplicas() {
        sim = GeminiSimulator.start();
        sim.addKey(KEY, "pshared");
        a = startReplica();
        b = startReplica();
    }

    @AfterAll
    static void stopReplicas() {
        for (ConfigurableApplicationContext replica : new ConfigurableApplicationContext[] { a, b }) {
            if (replica != null) {
                replica.close();
            }
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void twoReplicasSpendOneBudgetRefuseHonestlyAndRenewAtMidnight() {
        CLOCK.set(Instant.parse("2026-05-14T12:00:00Z"));
        double usedBefore = usage(a) + usage(b);
        assertThat(post(a).statusCode()).isEqualTo(200);
        assertThat(post(b).statusCode()).isEqualTo(200);
        assertThat(post(a).statusCode()).isEqualTo(200);
        long upstream = sim.counters().total();

        for (ConfigurableApplicationContext replica : new ConfigurableApplicationContext[] { b, a }) {
            HttpResponse<String> refused = post(replica);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("43200");
            assertThat(refused.body()).contains("'shared-app'", "3 requests per day").doesNotContain(TOKEN);
        }
        assertThat(sim.counters().total()).as("a refused request never reaches Gemini").isEqualTo(upstream);
        assertThat(usage(a) + usage(b) - usedBefore).as("requests let through, metered by name").isEqualTo(3.0);

        CLOCK.set(Instant.parse("2026-05-15T00:00:01Z"));
        assertThat(post(b).statusCode()).isEqualTo(200);
        assertThat(post(a).statusCode()).isEqualTo(200);
    }

    private static double usage(ConfigurableApplicationContext replica) {
        Counter counter = replica.getBean(MeterRegistry.class).find("gemini.gateway.client.usage")
                .tags("client", "shared-app", "measure", "requests").counter();
        return counter == null ? 0 : counter.count();
    }

    private static ConfigurableApplicationContext startReplica() {
        String routes = "spring.cloud.gateway.server.webflux.routes";
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("spring.data.redis.url", redis.url());
        properties.put("management.health.redis.enabled", "false");
        properties.put("gemini.gateway.groups.default.keys", KEY + "@pshared");
        properties.put("gemini.gateway.client-auth.budgets.store", "redis");
        properties.put("gemini.gateway.client-auth.tokens[0].name", "shared-app");
        properties.put("gemini.gateway.client-auth.tokens[0].token", TOKEN);
        properties.put("gemini.gateway.client-auth.tokens[0].budget.requests-per-day", "3");
        properties.put(routes + "[0].id", "native");
        properties.put(routes + "[0].uri", sim.baseUrl());
        properties.put(routes + "[0].predicates[0]", "Path=/v1beta/**");
        properties.put(routes + "[0].filters[0]", "ClientAuth");
        properties.put(routes + "[0].filters[1]", "KeyRotation=default");
        properties.put(routes + "[0].filters[2]", "KeyHealthFeedback");
        // Own Netty resources per replica: closing one must not dispose the global ones the simulator runs on.
        return new SpringApplicationBuilder(TestGatewayApplication.class).properties(properties)
                .initializers(context -> {
                    GenericApplicationContext generic = (GenericApplicationContext) context;
                    generic.registerBean(Clock.class, () -> CLOCK);
                    generic.registerBean(ReactorResourceFactory.class, () -> {
                        ReactorResourceFactory resources = new ReactorResourceFactory();
                        resources.setUseGlobalResources(false);
                        return resources;
                    });
                })
                .run();
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext replica) {
        int port = ((WebServerApplicationContext) replica).getWebServer().getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1beta/models/gemini-2.5-flash:generateContent"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("x-goog-api-key", TOKEN).POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (java.io.IOException e) {
            throw new IllegalStateException("request to the gateway failed", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
