package dev.geminigateway.admin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

import dev.geminigateway.health.KeyProber;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.observability.KeyAttemptStats;
import dev.geminigateway.observability.KeyPoolInspector;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

/**
 * What an operator can do with keys: look at them, disable, enable, reset, probe, add and remove. Every action
 * writes one audit line. Keys added here live in memory only and are gone after a restart (persistence comes with
 * the Redis store); responses say so.
 */
public class KeyAdministration {

    static final String MEMORY_ONLY_NOTE = "memory-only: lost on restart";

    private final KeyRegistry registry;
    private final KeyStateStore store;
    private final KeyProber prober;
    private final KeyAttemptStats stats;
    private final KeyPoolInspector inspector;
    private final KeyViews views;
    private final AuditLog audit;
    private final Clock clock;
    private final QuotaLimitViews quotaLimits;

    public KeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober, KeyAttemptStats stats,
            KeyPoolInspector inspector, AuditLog audit, Clock clock) {
        this(registry, store, prober, stats, inspector, audit, clock, null);
    }

    /** @param quotaLimits the limits in force per project and model for the overview; null to leave them out */
    public KeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober, KeyAttemptStats stats,
            KeyPoolInspector inspector, AuditLog audit, Clock clock, QuotaLimitViews quotaLimits) {
        this.registry = registry;
        this.store = store;
        this.prober = prober;
        this.stats = stats;
        this.inspector = inspector;
        this.views = new KeyViews(store, stats, clock);
        this.audit = audit;
        this.clock = clock;
        this.quotaLimits = quotaLimits;
    }

    /** The store, every group's counts by state, every key, and the quota limits in force. */
    public Map<String, Object> overview() {
        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("now", clock.instant().toString());
        overview.put("store", Map.of("kind", store.kind(), "connected", store.connected()));
        List<Map<String, Object>> groups = new ArrayList<>();
        for (KeyPoolInspector.GroupStatus group : inspector.inspect()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", group.name());
            view.put("total", group.total());
            view.put("usable", group.usable());
            view.put("states", group.byState());
            groups.add(view);
        }
        overview.put("groups", groups);
        overview.put("keys", registry.allKeys().stream().map(views::of).toList());
        if (quotaLimits != null) {
            overview.put("quotas", quotaLimits.overview());
        }
        return overview;
    }

    public Optional<Map<String, Object>> key(String id) {
        return registry.key(id).map(views::of);
    }

    /** {@code action}: disable, enable, reset or probe. */
    public Mono<AdminResult> act(String id, String action, String reason, String remote) {
        String verb = action == null ? "" : action.strip().toLowerCase(Locale.ROOT);
        Optional<ApiKey> found = registry.key(id);
        if (found.isEmpty()) {
            audit.record(verb, id, "not-found", remote);
            return Mono.just(AdminResult.error(404, "No key with id " + id));
        }
        ApiKey key = found.get();
        switch (verb) {
            case "disable" -> store.setState(key.id(), new KeyState.Disabled(clock.instant(),
                    reason == null || reason.isBlank() ? "disabled by an operator" : reason.strip()));
            case "enable" -> store.setState(key.id(), KeyState.Active.INSTANCE);
            case "reset" -> {
                store.setState(key.id(), KeyState.Active.INSTANCE);
                store.recordSuccess(key.id());
                store.clearCooldowns(key.project());
            }
            case "probe" -> {
                return probe(key, remote);
            }
            default -> {
                audit.record(verb, id, "unknown-action", remote);
                return Mono.just(AdminResult.error(400, "Unknown action '" + verb
                        + "'; use disable, enable, reset or probe"));
            }
        }
        audit.record(verb, key.id(), "ok", remote);
        return Mono.just(AdminResult.ok(withAction(verb, views.of(key))));
    }

    /** A probe that succeeds takes a quarantined key back into rotation, as the scheduled probe does. */
    private Mono<AdminResult> probe(ApiKey key, String remote) {
        return prober.probe(key).defaultIfEmpty(false).map(valid -> {
            if (valid && store.state(key.id()) instanceof KeyState.Quarantined) {
                store.setState(key.id(), KeyState.Active.INSTANCE);
                store.recordSuccess(key.id());
            }
            audit.record("probe", key.id(), valid ? "valid" : "invalid", remote);
            Map<String, Object> body = withAction("probe", views.of(key));
            body.put("valid", valid);
            return AdminResult.ok(body);
        });
    }

    /** Adds a key to a configured group, in memory only. The secret is never echoed: the answer has id and mask. */
    public AdminResult add(String secret, String group, String project, String label, String remote) {
        if (secret == null || secret.isBlank()) {
            audit.record("add", "-", "missing-key", remote);
            return AdminResult.error(400, "Send the key in field 'key'");
        }
        String groupName = group == null || group.isBlank() ? "default" : group.strip();
        ApiKey key = new ApiKey(secret, project, label, groupName);
        try {
            registry.addKey(key);
        }
        catch (IllegalArgumentException e) {
            audit.record("add", key.id(), "rejected", remote);
            return AdminResult.error(registry.key(key.id()).isPresent() ? 409 : 400, e.getMessage());
        }
        store.setState(key.id(), KeyState.Active.INSTANCE);
        audit.record("add", key.id(), "ok", remote);
        Map<String, Object> body = withAction("add", views.of(key));
        body.put("persisted", false);
        body.put("note", MEMORY_ONLY_NOTE);
        return new AdminResult(201, body);
    }

    public AdminResult remove(String id, String remote) {
        Optional<ApiKey> removed;
        try {
            removed = registry.removeKey(id);
        }
        catch (IllegalStateException e) {
            audit.record("remove", id, "rejected", remote);
            return AdminResult.error(409, e.getMessage());
        }
        if (removed.isEmpty()) {
            audit.record("remove", id, "not-found", remote);
            return AdminResult.error(404, "No key with id " + id);
        }
        ApiKey key = removed.get();
        store.setState(key.id(), KeyState.Active.INSTANCE);
        store.recordSuccess(key.id());
        stats.forget(key.id());
        audit.record("remove", key.id(), "ok", remote);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "remove");
        body.put("id", key.id());
        body.put("masked", key.masked());
        body.put("group", key.group());
        body.put("removed", true);
        body.put("persisted", false);
        body.put("note", MEMORY_ONLY_NOTE);
        return AdminResult.ok(body);
    }

    private static Map<String, Object> withAction(String action, Map<String, Object> view) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", action);
        body.putAll(view);
        return body;
    }
}
