package dev.geminigateway.bench.quota;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.geminigateway.attempt.AttemptObserver;
import dev.geminigateway.outcome.OutcomeKind;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * A gateway with the starter, one route to the simulator ({@code KeyRotation=default, KeyHealthFeedback}), and a
 * global filter that tells the benchmark about every upstream attempt Gemini accepted, with the moment it was sent.
 */
@SpringBootApplication
public class QuotaBenchGateway {

    /** Admission logs by run id: two gateways run side by side in one JVM, each with its own log. */
    static final Map<String, AdmissionLog> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    GlobalFilter benchAdmissionRecorder(org.springframework.core.env.Environment env) {
        AdmissionLog log = LOGS.get(env.getProperty("bench.run-id"));
        return (exchange, chain) -> {
            AttemptObserver.register(exchange, (ex, attempt) -> {
                if (attempt.outcome().kind() == OutcomeKind.SUCCESS) {
                    log.admitted(attempt.key().project(), System.nanoTime() - attempt.latency().toNanos());
                }
            });
            return chain.filter(exchange);
        };
    }

    static ConfigurableApplicationContext start(String runId, AdmissionLog log, String upstream, List<String> keys,
            String model, BenchSettings settings, boolean proactive) {
        LOGS.put(runId, log);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bench.run-id", runId);
        p.put("server.port", "0");
        p.put("spring.main.banner-mode", "off");
        p.put("logging.level.root", "WARN");
        p.put("management.endpoints.access.default", "none");
        p.put("spring.cloud.gateway.server.webflux.routes[0].id", "gemini");
        p.put("spring.cloud.gateway.server.webflux.routes[0].uri", upstream);
        p.put("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/v1beta/**");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[0]", "KeyRotation=default");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[1]", "KeyHealthFeedback");
        p.put("gemini.gateway.groups.default.keys", String.join(",", keys));
        String quota = "gemini.gateway.groups.default.quotas.[" + model + "].";
        p.put(quota + "rpm", settings.rpm());
        p.put(quota + "tpm", settings.tpm());
        p.put(quota + "rpd", settings.rpd());
        p.put("gemini.gateway.quota.proactive", proactive);
        p.put("gemini.gateway.rotation.max-wait", settings.maxWait().toMillis() + "ms");
        p.put("gemini.gateway.client-auth.enabled", "false");
        SpringApplication app = new SpringApplication(QuotaBenchGateway.class);
        app.setWebApplicationType(WebApplicationType.REACTIVE);
        app.setDefaultProperties(p);
        return app.run();
    }
}
