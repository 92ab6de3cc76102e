package dev.geminigateway.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.geminigateway.observability.RecentErrors;
import dev.geminigateway.observability.TrafficHistory;

/**
 * The console's traffic views: the last hour per minute ({@link TrafficHistory}), the recent upstream errors
 * ({@link RecentErrors}) filtered by key and reason, and one key's life: its state now, then the operator actions
 * ({@link AuditLog}) and the classified upstream answers that changed or explain its state, newest first. Ids and
 * masked forms only.
 */
public class ConsoleViews {

    private final TrafficHistory history;
    private final RecentErrors errors;
    private final AuditLog audit;
    private final KeyAdministration keys;

    public ConsoleViews(TrafficHistory history, RecentErrors errors, AuditLog audit, KeyAdministration keys) {
        this.history = history;
        this.errors = errors;
        this.audit = audit;
        this.keys = keys;
    }

    public Map<String, Object> history() {
        return history.snapshot();
    }

    public TrafficHistory traffic() {
        return history;
    }

    /**
     * @param key a key id, or null for all
     * @param reason part of the code or outcome (case-insensitive), or null for all
     */
    public Map<String, Object> errors(String key, String reason) {
        String wanted = reason == null || reason.isBlank() ? null : reason.strip().toLowerCase(Locale.ROOT);
        List<Map<String, Object>> list = new ArrayList<>();
        for (RecentErrors.Entry entry : errors.recent()) {
            if ((key == null || key.isBlank() || entry.keyId().equals(key.strip()))
                    && (wanted == null || entry.code().toLowerCase(Locale.ROOT).contains(wanted)
                            || entry.outcome().contains(wanted))) {
                list.add(view(entry));
            }
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("capacity", errors.capacity());
        view.put("errors", list);
        return view;
    }

    /** The key's view now and its events, newest first; empty for an unknown key. */
    public Optional<Map<String, Object>> life(String keyId) {
        return keys.key(keyId).map(now -> {
            List<Map<String, Object>> events = new ArrayList<>();
            for (AuditLog.Action action : audit.recent(keyId)) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("at", action.at().toString());
                event.put("by", "operator");
                event.put("what", action.action());
                event.put("cause", "admin API from " + action.remote() + ": " + action.result());
                events.add(event);
            }
            for (RecentErrors.Entry entry : errors.recent()) {
                if (entry.keyId().equals(keyId)) {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("at", entry.at().toString());
                    event.put("by", "gateway");
                    event.put("what", entry.action());
                    event.put("cause", entry.status() + " " + entry.code() + " (" + entry.model() + "): "
                            + entry.explanation());
                    events.add(event);
                }
            }
            events.sort(Comparator.comparing((Map<String, Object> e) -> (String) e.get("at")).reversed());
            Map<String, Object> life = new LinkedHashMap<>(now);
            life.put("events", events);
            return life;
        });
    }

    private static Map<String, Object> view(RecentErrors.Entry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", entry.at().toString());
        view.put("keyId", entry.keyId());
        view.put("masked", entry.masked());
        view.put("group", entry.group());
        view.put("project", entry.project());
        view.put("model", entry.model());
        view.put("status", entry.status());
        view.put("outcome", entry.outcome());
        view.put("code", entry.code());
        view.put("explanation", entry.explanation());
        view.put("action", entry.action());
        return view;
    }
}
