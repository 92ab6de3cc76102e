package dev.geminigateway.admin;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * {@code /actuator/geminiconsole}: what the operator's console draws, behind the admin token like
 * {@link GeminiKeysEndpoint} (read-only; key actions stay there).
 * <ul>
 * <li>{@code GET /actuator/geminiconsole/headroom}: quota used and left per project and model, cooling projects;</li>
 * <li>{@code GET /actuator/geminiconsole/history}: the last hour per minute, per group and model;</li>
 * <li>{@code GET /actuator/geminiconsole/errors?key=<id>&reason=<text>}: the recent upstream errors;</li>
 * <li>{@code GET /actuator/geminiconsole/keys/{id}}: one key's life.</li>
 * </ul>
 */
@WebEndpoint(id = "geminiconsole")
public class GeminiConsoleEndpoint {

    private final ConsoleViews console;
    private final QuotaHeadroomViews headroom;

    /** @param headroom null when quota scheduling is not configured */
    public GeminiConsoleEndpoint(ConsoleViews console, QuotaHeadroomViews headroom) {
        this.console = console;
        this.headroom = headroom;
    }

    @ReadOperation
    public Mono<WebEndpointResponse<Map<String, Object>>> view(@Selector String view, @Nullable String key,
            @Nullable String reason) {
        return switch (view) {
            case "headroom" -> headroom == null
                    ? Mono.just(new WebEndpointResponse<>(Map.of("rows", java.util.List.of(), "cooling",
                            java.util.List.of()), 200))
                    : headroom.overview(console.traffic()::modelsSeen).map(WebEndpointResponse::new);
            case "history" -> Mono.just(new WebEndpointResponse<>(console.history()));
            case "errors" -> Mono.just(new WebEndpointResponse<>(console.errors(key, reason)));
            default -> Mono.just(notFound("No console view '" + view + "'; use headroom, history or errors"));
        };
    }

    /** A Mono, so it answers on the event loop like {@link GeminiKeysEndpoint}'s reads (see there why). */
    @ReadOperation
    public Mono<WebEndpointResponse<Map<String, Object>>> key(@Selector String view, @Selector String id) {
        if (!"keys".equals(view)) {
            return Mono.just(notFound("No console view '" + view + "'; use keys/{id}"));
        }
        return Mono.fromSupplier(() -> console.life(id).map(WebEndpointResponse::new)
                .orElseGet(() -> notFound("No key with id " + id)));
    }

    private static WebEndpointResponse<Map<String, Object>> notFound(String message) {
        AdminResult error = AdminResult.error(404, message);
        return new WebEndpointResponse<>(error.body(), error.status());
    }
}
