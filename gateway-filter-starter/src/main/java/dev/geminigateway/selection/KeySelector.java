package dev.geminigateway.selection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

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
 * Health-weighted rotation (ARCHITECTURE.md §5). A key may serve when it is not quarantined, disabled or sidelined,
 * its project is not cooling for the model, this request has not tried it yet, and, with a {@link QuotaScheduler},
 * its project's ledger has room for the request (checked and reserved in one step). Among the keys that may serve,
 * two candidates are drawn: the next one from a rotating cursor per (group, model), which spreads load evenly over
 * equal keys, and one from a random position whose {@link KeyScores score} is clearly better, which goes first.
 * A key that fails intermittently or answers slowly therefore loses most of its traffic long before it is benched.
 * <p>
 * When most keys may serve a pick reads a handful of key states, O(1) at any pool size; the full scan happens only
 * when few can, and a project without room is asked once per pick however many keys it has.
 */
public class KeySelector {

    /** Positions looked at, from a random one, for a healthier second candidate. */
    private static final int CHALLENGER_PROBES = 4;

    private final KeyStateStore store;
    private final QuotaScheduler quota;
    private final KeyScores scores;
    /** Draws the second candidate: {@code bound -> [0, bound)}; null for plain rotation (no second candidate). */
    private final IntUnaryOperator random;
    /** Bounded: models come from clients. */
    private final ModelTable<AtomicInteger> cursors;

    public KeySelector(KeyStateStore store) {
        this(store, null);
    }

    public KeySelector(KeyStateStore store, QuotaScheduler quota) {
        this(store, quota, KnownModels.catalogue());
    }

    public KeySelector(KeyStateStore store, QuotaScheduler quota, KnownModels models) {
        this(store, quota, models, new KeyScores(), KeySelector::threadLocalRandom);
    }

    /**
     * @param scores what attempts taught about each key
     * @param random {@code bound -> [0, bound)} for the second candidate (a seeded one in tests); null turns the
     *               health weighting off: plain rotation, the first key of the cursor that may serve
     */
    public KeySelector(KeyStateStore store, QuotaScheduler quota, KnownModels models, KeyScores scores,
            IntUnaryOperator random) {
        this.store = store;
        this.quota = quota;
        this.scores = scores;
        this.random = random;
        this.cursors = new ModelTable<>(models, key -> new AtomicInteger());
    }

    /** The quota scheduler picks are checked against, if any. */
    public Optional<QuotaScheduler> quota() {
        return Optional.ofNullable(quota);
    }

    /** The keys' health scores, fed by the rotation with every attempt. */
    public KeyScores scores() {
        return scores;
    }

    public Mono<Selection> select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now) {
        return select(group, model, triedKeys, skippedProjects, now, 0);
    }

    /**
     * Key states and cooldowns are read at once; the quota ledgers are asked one project at a time, best candidate
     * first, without waiting on the caller's thread (a shared ledger answers from Redis).
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
        Pick pick = new Pick(model, triedKeys, skippedProjects, bound, now);
        if (preferred != null) {
            // prompt-cache affinity: every key that may serve, best project first (rotation order within one)
            List<ApiKey> ordered = preferred.order(pick.rest(keys, start, 0, null, null));
            if (ordered.isEmpty()) {
                return unavailable(pick, group.name(), model, estimatedTokens);
            }
            if (quota == null) {
                return Mono.just(new Selection.Selected(ordered.get(0)));
            }
            return Flux.fromIterable(ordered).concatMap(key -> admit(pick, group.name(), key, estimatedTokens)).next()
                    .switchIfEmpty(Mono.defer(() -> unavailable(pick, group.name(), model, estimatedTokens)));
        }
        int first = pick.scan(keys, start, 0, size);
        if (first == size) {
            return unavailable(pick, group.name(), model, estimatedTokens);
        }
        int at = (start + first) % size;
        ApiKey incumbent = keys.get(at);
        ApiKey challenger = random == null ? null : challenger(pick, group, at, now.toEpochMilli());
        ApiKey chosen = challenger != null ? challenger : incumbent;
        if (quota == null) {
            return Mono.just(new Selection.Selected(chosen));
        }
        ApiKey other = challenger != null ? incumbent : null;
        return admit(pick, group.name(), chosen, estimatedTokens)
                .switchIfEmpty(Mono.defer(() -> other == null ? Mono.empty()
                        : admit(pick, group.name(), other, estimatedTokens)))
                .switchIfEmpty(Mono.defer(() -> Flux.fromIterable(pick.rest(keys, start, first + 1, chosen, other))
                        .concatMap(key -> admit(pick, group.name(), key, estimatedTokens))
                        .next()))
                .switchIfEmpty(Mono.defer(() -> unavailable(pick, group.name(), model, estimatedTokens)));
    }

    /**
     * A key clearly healthier than the one at {@code incumbent} that may serve, looked for from a random position;
     * null if none among {@link #CHALLENGER_PROBES}. Scores are read first, from the group's score table: whether a
     * key may serve (its state and its project's cooldowns) is asked only of one that would win, and nothing is
     * looked for when the incumbent is too healthy for any key to beat.
     */
    private ApiKey challenger(Pick pick, KeyGroup group, int incumbent, long nowMillis) {
        KeyScores.Table table = scores.table(group);
        double bar = table.bar(incumbent, nowMillis);
        if (bar >= 1) {
            return null;
        }
        List<ApiKey> keys = group.keys();
        int size = keys.size();
        int at = random.applyAsInt(size);
        for (int i = 0; i < Math.min(CHALLENGER_PROBES, size); i++, at = at + 1 == size ? 0 : at + 1) {
            if (at != incumbent && table.above(at, bar, nowMillis) && pick.mayServe(keys.get(at), false)) {
                return keys.get(at);
            }
        }
        return null;
    }

    private Mono<Selection> admit(Pick pick, String group, ApiKey key, long estimatedTokens) {
        return pick.denied.containsKey(key.project()) ? Mono.empty()
                : quota.admit(group, key.project(), pick.model, estimatedTokens)
                        .mapNotNull(admission -> pick.granted(key, admission));
    }

    /** Nothing can serve: when the first key or quota frees up, if ever. */
    private Mono<Selection> unavailable(Pick pick, String group, String model, long estimatedTokens) {
        boolean noneLeft = !pick.alive;
        if (quota == null) {
            return Mono.just(new Selection.Unavailable(pick.earliest, noneLeft));
        }
        return Flux.fromIterable(pick.cooling)
                // A project cooling no earlier than what is known already need not be asked.
                .filter(cooldown -> pick.earliest == null || cooldown.until().isBefore(pick.earliest))
                .concatMap(cooldown -> quota.untilRoom(group, cooldown.project(), model, estimatedTokens)
                        .doOnNext(wait -> pick.earliest = earlier(pick.earliest, later(cooldown.until(),
                                pick.now.plus(wait)))))
                .then(Mono.fromSupplier(() -> new Selection.Unavailable(pick.earliest, noneLeft, pick.quotaLimit)));
    }

    private static int threadLocalRandom(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    /** What one pick learned so far; used by one subscriber, one step at a time. */
    private final class Pick {

        final String model;
        final Set<String> triedKeys;
        final Set<String> skippedProjects;
        final ProjectPin bound;
        final Instant now;
        /** Some key is neither quarantined nor disabled. */
        boolean alive;
        Instant earliest;
        List<Cooldown> cooling = List.of();
        final Map<String, Admission.Denied> denied = new HashMap<>(4);
        QuotaMetric quotaLimit;
        Instant quotaFree;

        Pick(String model, Set<String> triedKeys, Set<String> skippedProjects, ProjectPin bound, Instant now) {
            this.model = model;
            this.triedKeys = triedKeys;
            this.skippedProjects = skippedProjects;
            this.bound = bound;
            this.now = now;
        }

        /**
         * Walks offsets {@code from} to {@code to} of the rotation that begins at {@code start}, noting why keys
         * cannot serve; the offset of the first key that may serve, or {@code to}.
         */
        int scan(List<ApiKey> keys, int start, int from, int to) {
            int size = keys.size();
            for (int i = from; i < to; i++) {
                if (mayServe(keys.get((start + i) % size), true)) {
                    return i;
                }
            }
            return to;
        }

        /** The keys after offset {@code from} that may serve, in rotation order, but for the two already asked. */
        List<ApiKey> rest(List<ApiKey> keys, int start, int from, ApiKey chosen, ApiKey other) {
            List<ApiKey> rest = new ArrayList<>();
            int size = keys.size();
            for (int i = from; i < size; i++) {
                ApiKey key = keys.get((start + i) % size);
                if (key != chosen && key != other && mayServe(key, true)) {
                    rest.add(key);
                }
            }
            return rest;
        }

        /** Whether the key may serve this request now; with {@code note}, remembers why not. */
        boolean mayServe(ApiKey key, boolean note) {
            if (bound != null && !bound.admits(key)) {
                return false;
            }
            KeyState state = store.state(key.id());
            if (state instanceof KeyState.Quarantined || state instanceof KeyState.Disabled) {
                return false;
            }
            alive |= note;
            if (!state.usableAt(now)) {
                if (note) {
                    earliest = earlier(earliest, ((KeyState.CoolingDown) state).until());
                }
                return false;
            }
            Optional<Cooldown> cooldown = store.cooldown(key.project(), model, now);
            if (cooldown.isPresent()) {
                if (note && quota == null) {
                    earliest = earlier(earliest, cooldown.get().until());
                }
                else if (note) {
                    if (cooling.isEmpty()) {
                        cooling = new ArrayList<>();
                    }
                    cooling.add(cooldown.get());
                }
                return false;
            }
            return !triedKeys.contains(key.id()) && !skippedProjects.contains(key.project());
        }

        /** The selection when {@code admission} grants, else null after noting the denial. */
        Selection granted(ApiKey key, Admission admission) {
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
