package dev.geminigateway.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.observability.KeyAttemptStats;
import dev.geminigateway.observability.KeyPoolInspector;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

/**
 * What the admin API shows of a key: its fingerprint id and masked form, never the secret; its state, the reason
 * and time of it, its failure streak, its attempts by outcome, and the cooldowns of its project.
 */
class KeyViews {

    private final KeyStateStore store;
    private final KeyAttemptStats stats;
    private final Clock clock;

    public KeyViews(KeyStateStore store, KeyAttemptStats stats, Clock clock) {
        this.store = store;
        this.stats = stats;
        this.clock = clock;
    }

    public Map<String, Object> of(ApiKey key) {
        Instant now = clock.instant();
        KeyState state = store.state(key.id());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("masked", key.masked());
        view.put("label", key.label());
        view.put("project", key.project());
        view.put("group", key.group());
        view.put("state", KeyPoolInspector.effectiveState(state, now));
        view.put("reason", reason(state, now));
        view.put("since", since(state));
        view.put("until", state instanceof KeyState.CoolingDown cooling && !cooling.usableAt(now)
                ? cooling.until().toString() : null);
        view.put("consecutiveFailures", store.consecutiveFailures(key.id()));
        view.put("attempts", stats.counts(key.id()));
        view.put("errors", stats.errors(key.id()));
        KeyAttemptStats.LastError last = stats.lastError(key.id());
        view.put("lastError", last == null ? null : Map.of("at", last.at().toString(),
                "outcome", last.outcome().name().toLowerCase(java.util.Locale.ROOT), "reason", text(last.reason())));
        view.put("cooldowns", cooldowns(key.project(), now));
        return view;
    }

    private List<Map<String, Object>> cooldowns(String project, Instant now) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Cooldown cooldown : store.cooldowns(now)) {
            if (cooldown.project().equals(project) && cooldown.activeAt(now)) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("model", cooldown.model());
                view.put("until", cooldown.until().toString());
                view.put("reason", text(cooldown.reason()));
                list.add(view);
            }
        }
        return list;
    }

    private static String reason(KeyState state, Instant now) {
        if (state instanceof KeyState.CoolingDown cooling) {
            return cooling.usableAt(now) ? null : text(cooling.reason());
        }
        if (state instanceof KeyState.Quarantined quarantined) {
            return text(quarantined.reason());
        }
        return state instanceof KeyState.Disabled disabled ? text(disabled.reason()) : null;
    }

    private static String since(KeyState state) {
        if (state instanceof KeyState.Quarantined quarantined) {
            return quarantined.since().toString();
        }
        return state instanceof KeyState.Disabled disabled ? disabled.since().toString() : null;
    }

    private static String text(String reason) {
        return reason == null ? "" : reason;
    }
}
