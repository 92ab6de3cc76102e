package dev.geminigateway.admin;

import java.security.Principal;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * {@code /actuator/geminikeys}: the key pool for operators, behind the admin token (see {@link AdminSecurity}).
 * <ul>
 * <li>{@code GET /actuator/geminikeys}: store, counts by state per group, every key;</li>
 * <li>{@code GET /actuator/geminikeys/{id}}: one key;</li>
 * <li>{@code POST /actuator/geminikeys/{id}} {@code {"action":"disable|enable|reset|probe","reason":"..."}};</li>
 * <li>{@code POST /actuator/geminikeys} {@code {"key":"...","group":"default","project":"...","label":"..."}}:
 * adds a key (memory only);</li>
 * <li>{@code DELETE /actuator/geminikeys/{id}}: removes a key (memory only).</li>
 * </ul>
 * A web endpoint only (not JMX), so the admin token guards every way in. Keys appear as id and masked form only.
 */
@WebEndpoint(id = "geminikeys")
public class GeminiKeysEndpoint {

    private final KeyAdministration administration;

    public GeminiKeysEndpoint(KeyAdministration administration) {
        this.administration = administration;
    }

    /*
     * Every operation answers as a Mono, on the event loop (reads and writes touch local state only; the Redis store
     * writes asynchronously): Boot would run a plain return value on another thread, and a keep-alive connection
     * whose answer completed there could hang the client's next request (Reactor Netty 1.3.6; ARCHITECTURE.md §10.1).
     */

    @ReadOperation
    public Mono<Map<String, Object>> keys() {
        return Mono.fromSupplier(administration::overview);
    }

    @ReadOperation
    public Mono<WebEndpointResponse<Map<String, Object>>> key(@Selector String id) {
        return Mono.fromSupplier(() -> administration.key(id).map(WebEndpointResponse::new)
                .orElseGet(() -> response(AdminResult.error(404, "No key with id " + id))));
    }

    @WriteOperation
    public Mono<WebEndpointResponse<Map<String, Object>>> act(@Selector String id, String action,
            @Nullable String reason, SecurityContext security) {
        return Mono.defer(() -> administration.act(id, action, reason, remote(security)))
                .map(GeminiKeysEndpoint::response);
    }

    @WriteOperation
    public Mono<WebEndpointResponse<Map<String, Object>>> add(String key, @Nullable String group,
            @Nullable String project, @Nullable String label, SecurityContext security) {
        return Mono.fromSupplier(() -> response(administration.add(key, group, project, label, remote(security))));
    }

    @DeleteOperation
    public Mono<WebEndpointResponse<Map<String, Object>>> remove(@Selector String id, SecurityContext security) {
        return Mono.fromSupplier(() -> response(administration.remove(id, remote(security))));
    }

    private static WebEndpointResponse<Map<String, Object>> response(AdminResult result) {
        return new WebEndpointResponse<>(result.body(), result.status());
    }

    private static String remote(SecurityContext security) {
        Principal principal = security == null ? null : security.getPrincipal();
        return principal instanceof AdminTokenAuthentication admin ? admin.remoteAddress() : "unknown";
    }
}
