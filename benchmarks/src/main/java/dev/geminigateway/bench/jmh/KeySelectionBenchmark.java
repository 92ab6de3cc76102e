package dev.geminigateway.bench.jmh;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.selection.KeyScores;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.selection.Selection;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.store.KeyState;

/**
 * What one pick of {@link KeySelector} costs with 10, 1,000 and 10,000 keys on the in-memory store (target: under
 * 1 µs at 10,000 keys). Pools: {@code ALL_ACTIVE}; {@code HALF_COOLING}, every other project cooling for the model
 * (the common shape after a burst of per-minute 429s); {@code MOSTLY_OUT}, 90% of keys quarantined, the worst
 * realistic case for a round-robin scan. Two threads share one selector, as requests do on a 2-core gateway.
 * {@code choice}: {@code PLAIN} rotation (the baseline) or {@code WEIGHTED}, the better of the cursor's key and a
 * random one by health score, with every key's score fed (a tenth of them slow, a tenth failing).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m" })
public class KeySelectionBenchmark {

    static final String MODEL = "gemini-2.5-flash";
    /** Keys per project: Gemini counts quota per project, so cooldowns hit all keys of one project together. */
    static final int KEYS_PER_PROJECT = 2;

    @Param({ "10", "1000", "10000" })
    public int keys;

    @Param({ "ALL_ACTIVE", "HALF_COOLING", "MOSTLY_OUT" })
    public String pool;

    @Param({ "PLAIN", "WEIGHTED" })
    public String choice;

    private KeySelector selector;
    private KeyGroup group;
    private Instant now;

    @Setup(Level.Trial)
    public void setUp() {
        List<ApiKey> list = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            list.add(new ApiKey("bench-key-" + i + "-0123456789abcdef", "project-" + (i / KEYS_PER_PROJECT), null,
                    "default"));
        }
        group = new KeyGroup("default", list, Set.of());
        now = Instant.now();
        InMemoryKeyStateStore store = new InMemoryKeyStateStore();
        Instant later = now.plusSeconds(3600);
        for (int i = 0; i < keys; i++) {
            ApiKey key = list.get(i);
            switch (pool) {
                case "HALF_COOLING" -> {
                    if ((i / KEYS_PER_PROJECT) % 2 == 1 && i % KEYS_PER_PROJECT == 0) {
                        store.coolDown(new Cooldown(key.project(), MODEL, later, "minute quota"));
                    }
                }
                case "MOSTLY_OUT" -> {
                    if (i % 10 != 0) {
                        store.setState(key.id(), new KeyState.Quarantined(now, "invalid"));
                    }
                }
                default -> {
                }
            }
        }
        KeyScores scores = new KeyScores();
        long nowMillis = now.toEpochMilli();
        for (int i = 0; i < keys; i++) {
            String id = list.get(i).id();
            scores.started(id);
            scores.finished(id, i % 10 == 3 ? OutcomeKind.SERVER_ERROR : OutcomeKind.SUCCESS,
                    i % 10 == 7 ? 5_000 : 400, nowMillis);
        }
        selector = new KeySelector(store, null, KnownModels.catalogue(), scores,
                "WEIGHTED".equals(choice) ? bound -> ThreadLocalRandom.current().nextInt(bound) : null);
        if (!(selector.select(group, MODEL, Set.of(), Set.of(), now).block() instanceof Selection.Selected)) {
            throw new IllegalStateException("the pool " + pool + " should always have a key to give");
        }
    }

    @Benchmark
    @Threads(1)
    public Selection selectOneThread() {
        return selector.select(group, MODEL, Set.of(), Set.of(), now).block();
    }

    @Benchmark
    @Threads(2)
    public Selection selectTwoThreads() {
        return selector.select(group, MODEL, Set.of(), Set.of(), now).block();
    }
}
