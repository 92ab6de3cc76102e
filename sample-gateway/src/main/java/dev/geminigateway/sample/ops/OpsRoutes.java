package dev.geminigateway.sample.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import reactor.core.publisher.Mono;

import dev.geminigateway.admin.AdminToken;
import dev.geminigateway.observability.GeminiKeysHealthIndicator;
import dev.geminigateway.observability.KeyValidation;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The Rust proxy's operations paths, kept for existing probes and scrapers, beside the actuator ones:
 * <ul>
 * <li>{@code GET /health}: 200 "OK" while the process serves (liveness; says nothing about keys);</li>
 * <li>{@code GET /health/detailed}: the key pool as JSON (per group counts by state, store kind and connection),
 * 503 when a group has no key left to serve. Anyone may read the counts; {@code ?validate=true} lists keys (id and
 * masked form) and so needs the admin token ({@code Authorization: Bearer}, 401 otherwise). It probes every key
 * with a cheap {@code GET models}, at most a few at a time, and serves that result from cache for a while so the
 * endpoint cannot burn quota;</li>
 * <li>{@code GET /metrics}: the Prometheus text, as {@code /actuator/prometheus};</li>
 * <li>{@code GET /admin}: the console page ({@code static/admin/}), and its chart library under {@code /webjars/uplot/}
 * ({@link ConsoleAssets}).</li>
 * </ul>
 * None of these paths is under a gateway route ({@code /v1/**, /v1beta/**, /v1alpha/**}), so none reaches Gemini.
 */
@Configuration(proxyBeanMethods = false)
public class OpsRoutes {

    static final MediaType PROMETHEUS_TEXT = MediaType.parseMediaType("text/plain;version=0.0.4;charset=utf-8");

    @Bean
    RouterFunction<ServerResponse> opsRouterFunction(GeminiKeysHealthIndicator keysHealth, KeyValidation validation,
            AdminToken adminToken, ObjectProvider<PrometheusMeterRegistry> prometheus) {
        Resource dashboard = new ClassPathResource("static/admin/index.html");
        return route(GET("/health"), request -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue("OK"))
                .andRoute(GET("/health/detailed"), request -> detailed(request, keysHealth, validation, adminToken))
                .andRoute(GET("/metrics"), request -> metrics(prometheus.getIfAvailable()))
                .andRoute(GET("/admin").or(GET("/admin/")),
                        request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(dashboard))
                .and(ConsoleAssets.routes());
    }

    private static Mono<ServerResponse> detailed(ServerRequest request, GeminiKeysHealthIndicator keysHealth,
            KeyValidation validation, AdminToken adminToken) {
        boolean validate = request.queryParam("validate").map(Boolean::parseBoolean).orElse(false);
        if (validate && !adminToken.authorizes(request.headers().asHttpHeaders())) {
            // the probe results name keys (masked) and each run costs upstream calls: operators only
            return ServerResponse.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("error", "unauthorized", "message",
                            "validate=true needs 'Authorization: Bearer <admin token>'"));
        }
        return keysHealth.health().flatMap(health -> {
            Mono<Map<String, Object>> body = Mono.just(body(health));
            if (validate) {
                body = body.zipWith(validation.validate(), (map, report) -> {
                    map.put("validation", report.toMap());
                    return map;
                });
            }
            HttpStatus status = Status.DOWN.equals(health.getStatus()) ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK;
            return body.flatMap(map -> ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(map));
        });
    }

    private static Map<String, Object> body(Health health) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.getStatus().getCode());
        body.putAll(health.getDetails());
        return body;
    }

    private static Mono<ServerResponse> metrics(PrometheusMeterRegistry prometheus) {
        if (prometheus == null) {
            return ServerResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .bodyValue("Prometheus export is off (management.prometheus.metrics.export.enabled=false)");
        }
        return ServerResponse.ok().contentType(PROMETHEUS_TEXT).bodyValue(prometheus.scrape());
    }
}
