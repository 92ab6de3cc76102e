package dev.geminigateway.selection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
 * quarantined, disabled or sidelined), whose project is not cooling for the model, that this request has not tried
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

    public Mono<Selection> select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now) {
        return select(group, model, triedKeys, skippedProjects, now, 0);
    }

    /**
     * Key states and cooldowns are read at once; the quota ledgers are asked one project at a time, in rotation
     * order, without waiting on the caller's thread (a shared ledger answers from Redis).
     *
     * @param estimatedTokens the request's estimated input tokens, reserved in the chosen project's TPM ledger
     */
    public Mono<Selection> select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now, long estimatedTokens) {
        return select(group, model, triedKeys, skippedProjects, now, estimatedTokens, null);
    }

    /**
     * @param pin the project the request is bound to by a resource it names (null: none); keys of other projects
     *            are not considered, as if absent from the group
     */
    public Mono<Selection> select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now, long estimatedTokens, ProjectPin pin) {
        return select(group, model, triedKeys, skippedProjects, now, estimatedTokens, pin, null);
    }

    /**
     * @param preferred the order of projects the request would rather be served by (null: none); it only orders the
     *                  keys that may serve, every other rule applies as without it
     */
    public Mono<Selection> select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now, long estimatedTokens, ProjectPin pin, PreferredProjects preferred) {
        List<ApiKey> keys = group.keys();
        ProjectPin bound = pin == null ? null : pin.within(keys);
        if (bound != null && bound.exhausted(triedKeys)) {
            return Mono.just(new Selection.Unavailable(null, false));
        }
        int size = keys.size();
        int start = Math.floorMod(cursors.get(group.name(), model).getAndIncrement(), size);
        Pick pick = new Pick();
        boolean allQuarantined = true;
        List<ApiKey> candidates = new ArrayList<>();
        List<Cooldown> cooling = new ArrayList<>();
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
                pick.earliest = earlier(pick.earliest, ((KeyState.CoolingDown) state).until());
                continue;
            }
            Optional<Cooldown> cooldown = store.cooldown(key.project(), model, now);
            if (cooldown.isPresent()) {
                if (quota == null) {
                    pick.earliest = earlier(pick.earliest, cooldown.get().until());
                }
                else {
                    cooling.add(cooldown.get());
                }
                continue;
            }
            if (triedKeys.contains(key.id()) || skippedProjects.contains(key.project())) {
                continue;
            }
            if (quota == null && preferred == null) {
                return Mono.just(new Selection.Selected(key));
            }
            candidates.add(key);
        }
        boolean noneLeft = allQuarantined;
        List<ApiKey> ordered = preferred == null ? candidates : preferred.order(candidates);
        if (quota == null) {
            return Mono.just(ordered.isEmpty() ? new Selection.Unavailable(pick.earliest, noneLeft)
                    : new Selection.Selected(ordered.get(0)));
        }
        return Flux.fromIterable(ordered)
                .concatMap(key -> pick.denied.containsKey(key.project()) ? Mono.<Selection>empty()
                        : quota.admit(group.name(), key.project(), model, estimatedTokens)
                                .mapNotNull(admission -> pick.granted(key, admission, now)))
                .next()
                .switchIfEmpty(Flux.fromIterable(cooling)
                        // A project cooling no earlier than what is known already need not be asked.
                        .filter(cooldown -> pick.earliest == null || cooldown.until().isBefore(pick.earliest))
                        .concatMap(cooldown -> quota.untilRoom(group.name(), cooldown.project(), model, estimatedTokens)
                                .doOnNext(wait -> pick.earliest = earlier(pick.earliest, later(cooldown.until(),
                                        now.plus(wait)))))
                        .then(Mono.fromSupplier(() -> new Selection.Unavailable(pick.earliest, noneLeft,
                                pick.quotaLimit))));
    }

    /** What one pick learned so far; used by one subscriber, one step at a time. */
    private static final class Pick {

        Instant earliest;
        final Map<String, Admission.Denied> denied = new HashMap<>(4);
        QuotaMetric quotaLimit;
        Instant quotaFree;

        /** The selection when {@code admission} grants, else null after noting the denial. */
        Selection granted(ApiKey key, Admission admission, Instant now) {
            if (admission instanceof Admission.Granted granted) {
                return new Selection.Selected(key, granted.reservation());
            }
            Admission.Denied no = (Admission.Denied) admission;
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
            return null;
        }
    }

    /** Cursors held. */
    int cursorCount() {
        return cursors.size();
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
