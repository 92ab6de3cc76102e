package dev.geminigateway.route;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import dev.geminigateway.web.Surface;

import org.springframework.cloud.gateway.handler.predicate.AbstractRoutePredicateFactory;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GeminiSurface=native} or {@code GeminiSurface=openai}: tells the two surfaces apart where they share
 * {@code /v1/**} (ARCHITECTURE.md §8.1), so one route can pass native calls through and another rewrite
 * OpenAI-compatible ones.
 */
public class GeminiSurfaceRoutePredicateFactory extends AbstractRoutePredicateFactory<GeminiSurfaceRoutePredicateFactory.Config> {

    public GeminiSurfaceRoutePredicateFactory() {
        super(Config.class);
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("surface");
    }

    @Override
    public Predicate<ServerWebExchange> apply(Config config) {
        Surface wanted = Surface.valueOf(config.getSurface().trim().toUpperCase(Locale.ROOT));
        return exchange -> Surface.of(exchange.getRequest()) == wanted;
    }

    public static class Config {

        private String surface = "native";

        public String getSurface() {
            return surface;
        }

        public Config setSurface(String surface) {
            this.surface = surface;
            return this;
        }
    }
}
