package dev.geminigateway.selection;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.model.ModelTable;
import dev.geminigateway.quota.Admission;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

/**
 * Health-aware round robin: from a rotating cursor per (group, model), the first key that is usable (not
 * quarantined, disabled or benched), whose project is not cooling for the model, that this request has not tried
 * yet, and, with a {@link QuotaScheduler}, whose project's ledger has room for the request (checked and reserved in
 * one step). When most keys are usable this is O(1) per pick; the full scan happens only when few are, and a project
 * without room is asked once per pick however many keys it has.
 */
public class KeySelector {

    private final KeyStateStore store;
    private final QuotaScheduler quota;
    /** Bounded: models come from clients. */
    private final ModelTable<AtomicInteger> cursors;

    public KeySelector(KeyStateStore store) {
        this(store, null);
    }

    public KeySelector(KeyStateStore store, QuotaScheduler quota) {
        this(store, quota, KnownModels.catalogue());
    }

    public KeySelector(KeyStateStore store, QuotaScheduler quota, KnownModels models) {
        this.store = store;
        this.quota = quota;
        this.cursors = new ModelTable<>(models, key -> new AtomicInteger());
    }

    /** The quota scheduler picks are checked against, if any. */
    public Optional<QuotaScheduler> quota() {
        return Optional.ofNullable(quota);
    }

    public Selection select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now) {
        return select(group, model, triedKeys, skippedProjects, now, 0);
    }

    /**
     * @param estimatedTokens the request's estimated input tokens, reserved in the chosen project's TPM ledger
     */
    public Selection select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now, long estimatedTokens) {
        return select(group, model, triedKeys, skippedProjects, now, estimatedTokens, null);
    }

    /**
     * @param pin the project the request is bound to by a resource it names (null: none); keys of other projects
     *            are not considered, as if absent from the group
     */
    public Selection select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now, long estimatedTokens, ProjectPin pin) {
        List<ApiKey> keys = group.keys();
        ProjectPin bound = pin == null ? null : pin.within(keys);
        if (bound != null && bound.exhausted(triedKeys)) {
            return new Selection.Unavailable(null, false);
        }
        int size = keys.size();
        int start = Math.floorMod(cursors.get(group.name(), model).getAndIncrement(), size);
        Instant earliest = null;
        boolean allQuarantined = true;
        Map<String, Admission.Denied> denied = null;
        QuotaMetric quotaLimit = null;
        Instant quotaFree = null;
        for (int i = 0; i < size; i++) {
            ApiKey key = keys.get((start + i) % size);
            if (bound != null && !bound.admits(key)) {
                continue;
            }
            KeyState state = store.state(key.id());
            if (state instanceof KeyState.Quarantined || state instanceof KeyState.Disabled) {
                continue;
            }
            allQuarantined = false;
            if (!state.usableAt(now)) {
                earliest = earlier(earliest, ((KeyState.CoolingDown) state).until());
                continue;
            }
            Optional<Cooldown> cooldown = store.cooldown(key.project(), model, now);
            if (cooldown.isPresent()) {
                Instant until = cooldown.get().until();
                if (quota != null && earliest != null && !until.isBefore(earliest)) {
                    // Cannot be earlier than what is known already: no need to ask the ledger.
                    continue;
                }
                earliest = earlier(earliest, quota == null ? until : later(until, roomAt(quota, group, key, model,
                        estimatedTokens, now)));
                continue;
            }
            if (triedKeys.contains(key.id()) || skippedProjects.contains(key.project())) {
                continue;
            }
            if (quota == null) {
                return new Selection.Selected(key);
            }
            if (denied != null && denied.containsKey(key.project())) {
                continue;
            }
            Admission admission = quota.admit(group.name(), key.project(), model, estimatedTokens);
            if (admission instanceof Admission.Granted granted) {
                return new Selection.Selected(key, granted.reservation());
            }
            Admission.Denied no = (Admission.Denied) admission;
            if (denied == null) {
                denied = new HashMap<>(4);
            }
            denied.put(key.project(), no);
            if (no.retryAfter() != null) {
                Instant free = now.plus(no.retryAfter());
                earliest = earlier(earliest, free);
                if (quotaFree == null || free.isBefore(quotaFree)) {
                    quotaFree = free;
                    quotaLimit = no.metric();
                }
            }
            else if (quotaLimit == null) {
                quotaLimit = no.metric();
            }
        }
        return new Selection.Unavailable(earliest, allQuarantined, quotaLimit);
    }

    /** Cursors held. */
    int cursorCount() {
        return cursors.size();
    }

    /** When the project's ledger has room (null: never), for a project passed over for its cooldown. */
    private static Instant roomAt(QuotaScheduler quota, KeyGroup group, ApiKey key, String model, long tokens,
            Instant now) {
        java.time.Duration wait = quota.untilRoom(group.name(), key.project(), model, tokens);
        return wait == null ? null : now.plus(wait);
    }

    /** The later of two moments; null (never) wins. */
    private static Instant later(Instant a, Instant b) {
        return a == null || b == null ? null : (b.isAfter(a) ? b : a);
    }

    private static Instant earlier(Instant a, Instant b) {
        if (b == null) {
            return a;
        }
        return a == null || b.isBefore(a) ? b : a;
    }
}
