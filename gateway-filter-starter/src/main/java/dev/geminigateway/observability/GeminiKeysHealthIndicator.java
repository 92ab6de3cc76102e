package dev.geminigateway.observability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import dev.geminigateway.store.KeyStateStore;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code geminiKeys}: the key pool as a health contributor, meant for the readiness group (a replica whose pool is
 * dead should take no traffic; liveness must not depend on it, or Kubernetes would restart a healthy process).
 * <ul>
 * <li>DOWN when some group has no key that is usable or will be by itself: every key quarantined or disabled;</li>
 * <li>{@value #DEGRADED} (HTTP 200 by default: still serving from local state) while a shared store is
 * unreachable;</li>
 * <li>UP otherwise.</li>
 * </ul>
 * Details: per group the total, usable count and counts by state; the store's kind and whether it is connected.
 * No key appears, not even masked.
 */
public class GeminiKeysHealthIndicator implements ReactiveHealthIndicator {

    public static final String DEGRADED = "DEGRADED";

    private final KeyPoolInspector inspector;

    public GeminiKeysHealthIndicator(KeyPoolInspector inspector) {
        this.inspector = inspector;
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(this::check);
    }

    Health check() {
        List<KeyPoolInspector.GroupStatus> groups = inspector.inspect();
        KeyStateStore store = inspector.store();
        Map<String, Object> details = new LinkedHashMap<>();
        boolean allServiceable = true;
        for (KeyPoolInspector.GroupStatus group : groups) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("total", group.total());
            detail.put("usable", group.usable());
            detail.put("states", group.byState());
            details.put(group.name(), detail);
            allServiceable &= group.serviceable();
        }
        boolean connected = store.connected();
        Health.Builder health = !allServiceable ? Health.down()
                : connected ? Health.up() : Health.status(new Status(DEGRADED, "shared key-state store unreachable; "
                        + "serving from local state"));
        return health.withDetail("groups", details)
                .withDetail("store", Map.of("kind", store.kind(), "connected", connected))
                .build();
    }
}
