package dev.geminigateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.geminigateway.client.ClientAddressResolver;
import dev.geminigateway.client.ClientRateLimitGatewayFilterFactory;
import dev.geminigateway.client.ClientRateLimiter;
import dev.geminigateway.filter.KeyRotationGatewayFilterFactory;
import dev.geminigateway.filter.TokenLimitGatewayFilterFactory;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.rotation.Backoff;
import dev.geminigateway.rotation.PoolThrottle;
import dev.geminigateway.rotation.QuotaGate;
import dev.geminigateway.rotation.RetryBudget;
import dev.geminigateway.rotation.RotationPolicy;
import dev.geminigateway.rotation.UpstreamBreakers;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.support.MutableClock;
import dev.geminigateway.token.TokenCalibration;
import dev.geminigateway.token.TokenCounter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Route YAML as a user writes it, bound the way the gateway binds it: YAML to {@link GatewayProperties}' route
 * definitions, each filter's arguments through {@link ConfigurationService} (with the factory's shortcut
 * normalisation) and {@link RouteDefinitionRouteLocator} to the filters. Both the shortcut and the long
 * {@code name:}/{@code args:} form must keep every setting.
 */
class RouteYamlArgumentsTest {

    private static final Validator NO_VALIDATION = new Validator() {
        @Override
        public boolean supports(Class<?> type) {
            return false;
        }

        @Override
        public void validate(Object target, Errors errors) {
        }
    };

    private static final String YAML = """
            spring.cloud.gateway.server.webflux.routes:
              - id: shortcut-list
                uri: http://localhost:1
                filters: [ "KeyRotation=a,b" ]
              - id: shortcut-spaced
                uri: http://localhost:1
                filters:
                  - KeyRotation=a, b, default
              - id: shortcut-tiers
                uri: http://localhost:1
                filters:
                  - KeyRotation=free>paid
              - id: long-form
                uri: http://localhost:1
                filters:
                  - name: KeyRotation
                    args:
                      groups: free>paid
                      max-attempts: 7
                      deadline: 45s
                      max-wait: 2s
                      prompt-cache-affinity: false
              - id: long-form-camel-case
                uri: http://localhost:1
                filters:
                  - name: KeyRotation
                    args: { groups: "a,b", maxAttempts: 2, promptCacheAffinity: true }
              - id: long-form-yaml-list
                uri: http://localhost:1
                filters:
                  - name: KeyRotation
                    args:
                      groups: [ a, b ]
                      max-attempts: 4
              - id: readme-affinity-off
                uri: http://localhost:1
                filters:
                  - name: KeyRotation
                    args: { groups: default, prompt-cache-affinity: false }
              - id: token-limit-shortcut
                uri: http://localhost:1
                filters: [ "TokenLimit=125000" ]
              - id: token-limit-long
                uri: http://localhost:1
                filters:
                  - name: TokenLimit
                    args: { max-tokens: 1000, calibration-factor: 1.2, per-image-tokens: 300, max-body-bytes: 2048, auto-calibrate: true }
              - id: client-limit-shortcut
                uri: http://localhost:1
                filters: [ "ClientRateLimit=60,1000,token,500000" ]
              - id: client-limit-long
                uri: http://localhost:1
                filters:
                  - name: ClientRateLimit
                    args: { requests-per-minute: 30, key-by: token, tokens-per-minute: 9000 }
            """;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final ConfigurationService service = new ConfigurationService(new DefaultListableBeanFactory(),
            DefaultConversionService::getSharedInstance, () -> NO_VALIDATION);
    private final KeyRotationGatewayFilterFactory keyRotation = keyRotation();
    private final TokenLimitGatewayFilterFactory tokenLimit =
            new TokenLimitGatewayFilterFactory(new TokenCounter(), new TokenCalibration());
    private final ClientRateLimitGatewayFilterFactory clientRateLimit = new ClientRateLimitGatewayFilterFactory(
            new ClientRateLimiter(new ClientRateLimiter.Config(), 1000, clock, null), new ClientAddressResolver(List.of()));
    private final GatewayProperties properties = bindYaml();

    @Test
    void keyRotationShortcutGathersCommaSeparatedGroups() {
        KeyRotationGatewayFilterFactory.Config config = bind("shortcut-list", keyRotation);
        assertThat(config.getGroups()).containsExactly("a", "b");
        assertThat(config.getFailover()).isNull();
        assertThat(bind("shortcut-spaced", keyRotation).getGroups()).containsExactly("a", "b", "default");
    }

    @Test
    void keyRotationShortcutWithPriorityOrderTurnsFailoverOn() {
        KeyRotationGatewayFilterFactory.Config config = bind("shortcut-tiers", keyRotation);
        assertThat(config.getGroups()).containsExactly("free", "paid");
        assertThat(config.getFailover()).isTrue();
        assertThat(config.getMaxAttempts()).isNull();
    }

    @Test
    void keyRotationLongFormKeepsEverySetting() {
        KeyRotationGatewayFilterFactory.Config config = bind("long-form", keyRotation);
        assertThat(config.getGroups()).containsExactly("free", "paid");
        assertThat(config.getFailover()).isTrue();
        assertThat(config.getMaxAttempts()).isEqualTo(7);
        assertThat(config.getDeadline()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.getMaxWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.getPromptCacheAffinity()).isFalse();

        KeyRotationGatewayFilterFactory.Config camel = bind("long-form-camel-case", keyRotation);
        assertThat(camel.getGroups()).containsExactly("a", "b");
        assertThat(camel.getFailover()).isNull();
        assertThat(camel.getMaxAttempts()).isEqualTo(2);
        assertThat(camel.getPromptCacheAffinity()).isTrue();

        KeyRotationGatewayFilterFactory.Config list = bind("long-form-yaml-list", keyRotation);
        assertThat(list.getGroups()).containsExactly("a", "b");
        assertThat(list.getMaxAttempts()).isEqualTo(4);

        KeyRotationGatewayFilterFactory.Config readme = bind("readme-affinity-off", keyRotation);
        assertThat(readme.getGroups()).containsExactly("default");
        assertThat(readme.getPromptCacheAffinity()).isFalse();
    }

    @Test
    void everyRouteBuildsItsFiltersWithTheBoundSettings() {
        List<GatewayFilterFactory> factories = List.of(keyRotation, tokenLimit, clientRateLimit);
        RouteDefinitionRouteLocator locator = new RouteDefinitionRouteLocator(
                () -> reactor.core.publisher.Flux.fromIterable(properties.getRoutes()), List.of(), factories,
                properties, service);
        Map<String, Route> routes = new java.util.HashMap<>();
        for (Route route : locator.getRoutes().collectList().block(Duration.ofSeconds(10))) {
            routes.put(route.getId(), route);
        }
        assertThat(routes).hasSize(properties.getRoutes().size());
        assertThat(filterText(routes.get("long-form")))
                .contains("groups = 'free>paid'", "maxAttempts = 7", "deadline = PT45S", "maxWait = PT2S",
                        "promptCacheAffinity = false");
        assertThat(filterText(routes.get("shortcut-list"))).contains("groups = 'a,b'", "maxAttempts = [null]");
        assertThat(filterText(routes.get("token-limit-long"))).contains("maxTokens = 1000", "autoCalibrate = true");
    }

    @Test
    void tokenLimitBindsBothForms() {
        TokenLimitGatewayFilterFactory.Config shortcut = bind("token-limit-shortcut", tokenLimit);
        assertThat(shortcut.getMaxTokens()).isEqualTo(125000);
        assertThat(shortcut.getCalibrationFactor()).as("defaults kept").isEqualTo(1.0);
        assertThat(shortcut.getPerImageTokens()).as("defaults kept").isEqualTo(258);
        TokenLimitGatewayFilterFactory.Config config = bind("token-limit-long", tokenLimit);
        assertThat(config.getMaxTokens()).isEqualTo(1000);
        assertThat(config.getCalibrationFactor()).isEqualTo(1.2);
        assertThat(config.getPerImageTokens()).isEqualTo(300);
        assertThat(config.getMaxBodyBytes()).isEqualTo(2048);
        assertThat(config.isAutoCalibrate()).isTrue();
    }

    @Test
    void clientRateLimitBindsBothForms() {
        ClientRateLimitGatewayFilterFactory.Config shortcut = bind("client-limit-shortcut", clientRateLimit);
        assertThat(shortcut.getRequestsPerMinute()).isEqualTo(60);
        assertThat(shortcut.getRequestsPerDay()).isEqualTo(1000);
        assertThat(shortcut.getKeyBy()).isEqualTo(ClientRateLimitGatewayFilterFactory.KeyBy.TOKEN);
        assertThat(shortcut.getTokensPerMinute()).isEqualTo(500000L);
        ClientRateLimitGatewayFilterFactory.Config named = bind("client-limit-long", clientRateLimit);
        assertThat(named.getRequestsPerMinute()).isEqualTo(30);
        assertThat(named.getRequestsPerDay()).isNull();
        assertThat(named.getKeyBy()).isEqualTo(ClientRateLimitGatewayFilterFactory.KeyBy.TOKEN);
        assertThat(named.getTokensPerMinute()).isEqualTo(9000L);
    }

    private static String filterText(Route route) {
        List<String> texts = new ArrayList<>();
        for (GatewayFilter filter : route.getFilters()) {
            texts.add(filter.toString());
        }
        return String.join("\n", texts);
    }

    /** What {@code RouteDefinitionRouteLocator} does with each filter definition of a route. */
    @SuppressWarnings("unchecked")
    private <C> C bind(String routeId, GatewayFilterFactory<C> factory) {
        RouteDefinition route = properties.getRoutes().stream().filter(r -> r.getId().equals(routeId)).findFirst()
                .orElseThrow();
        assertThat(route.getFilters()).hasSize(1);
        var definition = route.getFilters().get(0);
        assertThat(definition.getName()).isEqualTo(factory.name());
        return (C) service.with(factory).name(definition.getName()).properties(definition.getArgs()).bind();
    }

    private static GatewayProperties bindYaml() {
        try {
            List<PropertySource<?>> loaded = new YamlPropertySourceLoader().load("routes",
                    new ByteArrayResource(YAML.getBytes(StandardCharsets.UTF_8)));
            MutablePropertySources sources = new MutablePropertySources();
            loaded.forEach(sources::addLast);
            return new Binder(ConfigurationPropertySources.from(sources))
                    .bind(GatewayProperties.PREFIX, GatewayProperties.class).get();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private KeyRotationGatewayFilterFactory keyRotation() {
        List<KeyGroup> groups = new ArrayList<>();
        int n = 0;
        for (String name : List.of("a", "b", "default", "free", "paid")) {
            String secret = ("AIzaSyRouteYamlTestKey" + name + n++ + "x".repeat(39)).substring(0, 39);
            groups.add(new KeyGroup(name, List.of(new ApiKey(secret, "p-" + name, null, name)), Set.of()));
        }
        JsonMapper json = JsonMapper.builder().build();
        RotationPolicy policy = new RotationPolicy(3, Duration.ofSeconds(30), Duration.ZERO, 1 << 20,
                new Backoff(Duration.ZERO, Duration.ZERO), Duration.ofSeconds(5), false);
        return new KeyRotationGatewayFilterFactory(new KeyRegistry(groups), new KeySelector(new InMemoryKeyStateStore()),
                new GeminiErrorClassifier(json, clock), policy, new RetryBudget(0.2, 100),
                new PoolThrottle(1000, Duration.ofSeconds(10), Duration.ofSeconds(5), clock),
                new UpstreamBreakers(4, 50f, Duration.ofSeconds(5)), QuotaGate.NONE, json, clock);
    }
}
