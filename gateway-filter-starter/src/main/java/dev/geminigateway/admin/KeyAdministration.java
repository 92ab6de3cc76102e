package dev.geminigateway.admin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import dev.geminigateway.health.KeyProber;
import dev.geminigateway.client.ClientBudgets;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.observability.KeyAttemptStats;
import dev.geminigateway.observability.KeyPoolInspector;
import dev.geminigateway.observability.PromptCacheStats;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.selection.KeyScores;
import dev.geminigateway.store.KeyStateStore;

/**
 * What an operator can do with keys: look at them, disable, enable, reset, probe, add and remove. Every action
 * writes one audit line. Disable, enable, reset and remove are operator decisions in the key-state store: with the
 * Redis store every replica obeys them at once and they survive restarts; evidence (feedback, sideline, probe) never
 * ends a DISABLED. A removed key is kept in the store as DISABLED ("removed by an operator"), so replicas that still
 * hold it (from their configuration, or after a restart) do not use it. Keys added here live only in the memory of
 * the replica that answered, until it restarts; responses and the overview say so and name the replica.
 */
public class KeyAdministration {

    static final String REMOVED_REASON = "removed by an operator";

    private final KeyRegistry registry;
    private final KeyStateStore store;
    private final KeyProber prober;
    private final KeyAttemptStats stats;
    private final KeyPoolInspector inspector;
    private final KeyViews views;
    private final AuditLog audit;
    private final Clock clock;
    private final String replica;
    /** Ids of keys added through this replica's admin API (not from configuration). */
    private final Set<String> addedAtRuntime = ConcurrentHashMap.newKeySet();
    private final QuotaLimitViews quotaLimits;
    private final KeyScores scores;
    private final ClientBudgets budgets;
    private volatile PromptCacheStats promptCache;

    public KeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober, KeyAttemptStats stats,
            KeyPoolInspector inspector, AuditLog audit, Clock clock) {
        this(registry, store, prober, stats, inspector, audit, clock, null);
    }

    /** @param quotaLimits the limits in force per project and model for the overview; null to leave them out */
    public KeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober, KeyAttemptStats stats,
            KeyPoolInspector inspector, AuditLog audit, Clock clock, QuotaLimitViews quotaLimits) {
        this(registry, store, prober, stats, inspector, audit, clock, ReplicaName.local(), quotaLimits, null, null);
    }

    /**
     * @param scores each key's health score for its view; null to leave it out
     * @param budgets the client tokens' budgets and use for the overview; null to leave them out
     */
    public KeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober, KeyAttemptStats stats,
            KeyPoolInspector inspector, AuditLog audit, Clock clock, QuotaLimitViews quotaLimits, KeyScores scores,
            ClientBudgets budgets) {
        this(registry, store, prober, stats, inspector, audit, clock, ReplicaName.local(), quotaLimits, scores,
                budgets);
    }

    KeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober, KeyAttemptStats stats,
            KeyPoolInspector inspector, AuditLog audit, Clock clock, String replica, QuotaLimitViews quotaLimits) {
        this(registry, store, prober, stats, inspector, audit, clock, replica, quotaLimits, null, null);
    }

    KeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober, KeyAttemptStats stats,
            KeyPoolInspector inspector, AuditLog audit, Clock clock, String replica, QuotaLimitViews quotaLimits,
            KeyScores scores, ClientBudgets budgets) {
        this.scores = scores;
        this.budgets = budgets;
        this.registry = registry;
        this.store = store;
        this.prober = prober;
        this.stats = stats;
        this.inspector = inspector;
        this.views = new KeyViews(store, stats, clock);
        this.audit = audit;
        this.clock = clock;
        this.replica = replica;
        this.quotaLimits = quotaLimits;
    }

    /** Adds cached input tokens per project and model to the overview (null: left out); set once, at wiring. */
    public KeyAdministration withPromptCache(PromptCacheStats promptCache) {
        this.promptCache = promptCache;
        return this;
    }

    /** The store, every group's counts by state, every key, the quota limits in force, prompt-cache hits. */
    public Map<String, Object> overview() {
        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("now", clock.instant().toString());
        overview.put("replica", replica);
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
        overview.put("keys", registry.allKeys().stream().map(this::view).toList());
        if (quotaLimits != null) {
            overview.put("quotas", quotaLimits.overview());
        }
        if (budgets != null) {
            overview.put("clientBudgets", budgets.view());
        }
        if (promptCache != null) {
            overview.put("promptCache", promptCache.overview());
        }
        return overview;
    }

    public Optional<Map<String, Object>> key(String id) {
        return registry.key(id).map(this::view);
    }

    /** A key's view; a runtime-added one says where it lives and for how long. */
    private Map<String, Object> view(ApiKey key) {
        Map<String, Object> view = views.of(key);
        if (scores != null) {
            // what the key selector weighs (ARCHITECTURE.md §5): 1 = no recent errors, fast, idle
            view.put("score", Math.round(scores.score(key.id(), clock.millis()) * 1000) / 1000.0);
        }
        boolean runtime = addedAtRuntime.contains(key.id());
        view.put("addedAtRuntime", runtime);
        if (runtime) {
            view.put("replica", replica);
            view.put("note", runtimeNote());
        }
        return view;
    }

    private String runtimeNote() {
        return "added at run time: lives only in the memory of replica " + replica
                + ", which uses it until it restarts; other replicas do not have it";
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
            case "disable" -> store.setOperatorState(key.id(), new KeyState.Disabled(clock.instant(),
                    reason == null || reason.isBlank() ? "disabled by an operator" : reason.strip()));
            case "enable" -> store.setOperatorState(key.id(), KeyState.Active.INSTANCE);
            case "reset" -> {
                store.setOperatorState(key.id(), KeyState.Active.INSTANCE);
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
        return Mono.just(AdminResult.ok(withAction(verb, view(key))));
    }

    /** A probe that succeeds takes a quarantined key back into rotation, as the scheduled probe does. */
    private Mono<AdminResult> probe(ApiKey key, String remote) {
        return prober.probe(key).defaultIfEmpty(false).map(valid -> {
            if (valid && store.state(key.id()) instanceof KeyState.Quarantined) {
                store.setState(key.id(), KeyState.Active.INSTANCE);
                store.recordSuccess(key.id());
            }
            audit.record("probe", key.id(), valid ? "valid" : "invalid", remote);
            Map<String, Object> body = withAction("probe", view(key));
            body.put("valid", valid);
            return AdminResult.ok(body);
        });
    }

    /**
     * Adds a key to a configured group, in this replica's memory only. The secret is never echoed: the answer has id
     * and mask, and says where the key lives and for how long.
     */
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
        addedAtRuntime.add(key.id());
        // an operator's decision: ends a removal marker left by an earlier remove of the same key
        store.setOperatorState(key.id(), KeyState.Active.INSTANCE);
        audit.record("add", key.id(), "ok", remote);
        Map<String, Object> body = withAction("add", view(key));
        body.put("persisted", false);
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
        boolean runtime = addedAtRuntime.remove(key.id());
        store.setOperatorState(key.id(), new KeyState.Disabled(clock.instant(), REMOVED_REASON));
        store.recordSuccess(key.id());
        stats.forget(key.id());
        if (scores != null) {
            scores.forget(key.id());
        }
        audit.record("remove", key.id(), "ok", remote);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "remove");
        body.put("id", key.id());
        body.put("masked", key.masked());
        body.put("group", key.group());
        body.put("removed", true);
        body.put("replica", replica);
        body.put("note", removalNote(runtime));
        return AdminResult.ok(body);
    }

    private String removalNote(boolean runtime) {
        if (runtime) {
            return "removed from replica " + replica + ", the only one that had it";
        }
        String scope = "in-memory".equals(store.kind())
                ? "replica " + replica + " stops using it until it restarts (in-memory store)"
                : "every replica stops using it (shared " + store.kind() + " store), also after restarts";
        return "removed from replica " + replica + "'s listing; kept as DISABLED in the key store: " + scope
                + ". Remove it from the configuration to drop it for good, or enable it to bring it back";
    }

    private static Map<String, Object> withAction(String action, Map<String, Object> view) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", action);
        body.putAll(view);
        return body;
    }
}
