package dev.geminigateway.bench.cache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** A gateway with the starter and one native route to the simulator, prompt-cache affinity on or off. */
@SpringBootApplication
public class CacheBenchGateway {

    static ConfigurableApplicationContext start(String upstream, List<String> keys, String model, int rpm,
            boolean affinity) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", "0");
        p.put("spring.main.banner-mode", "off");
        p.put("logging.level.root", "WARN");
        p.put("management.endpoints.access.default", "none");
        p.put("spring.cloud.gateway.server.webflux.routes[0].id", "gemini");
        p.put("spring.cloud.gateway.server.webflux.routes[0].uri", upstream);
        p.put("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/v1beta/**");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[0]", "TokenLimit=1000000");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[1]", "KeyRotation=default");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[2]", "KeyHealthFeedback");
        p.put("gemini.gateway.groups.default.keys", String.join(",", keys));
        String quota = "gemini.gateway.groups.default.quotas.[" + model + "].";
        p.put(quota + "rpm", rpm);
        p.put(quota + "tpm", 1_000_000_000L);
        p.put(quota + "rpd", 1_000_000);
        p.put("gemini.gateway.prompt-cache.affinity", affinity);
        p.put("gemini.gateway.rotation.max-wait", "5s");
        p.put("gemini.gateway.client-auth.enabled", "false");
        SpringApplication app = new SpringApplication(CacheBenchGateway.class);
        app.setWebApplicationType(WebApplicationType.REACTIVE);
        app.setDefaultProperties(p);
        return app.run();
    }
}
