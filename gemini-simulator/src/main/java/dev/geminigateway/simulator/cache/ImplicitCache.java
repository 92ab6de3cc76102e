package dev.geminigateway.simulator.cache;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Gemini's implicit prompt caching as the simulator plays it: per project, a generation request whose leading text
 * (system instruction, tools, contents: {@link PromptPrefix}) matches one the same project sent for the same model
 * within the TTL gets the matching part as cached tokens, counted in whole blocks of {@value #BLOCK_TOKENS} tokens
 * and only from the model's minimum ({@link CacheMinimum}) on. A prompt at or over the minimum is cached for the
 * next request. Another project never sees it: caches are per Google Cloud project.
 * <p>
 * Also counts, per project, the input tokens of answered generation requests and how many of them were cached.
 */
public final class ImplicitCache {

    /** Tokens per cache block; the simulator counts four characters a token. */
    public static final int BLOCK_TOKENS = 256;
    /** Gemini does not say how long an implicit cache lives; minutes ("a short amount of time"). */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    private static final int BLOCK_CHARS = BLOCK_TOKENS * 4;
    private static final int ENTRIES_PER_PROJECT = 16_384;

    /** Keyed by projects of configured keys only (a request with an unknown key never gets here). */
    private final Map<String, PrefixTable> tables = new ConcurrentHashMap<>();
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private volatile Duration ttl = DEFAULT_TTL;
    private volatile boolean enabled = true;

    /** Input tokens and the cached part of them, for one project. */
    public record Counts(long inputTokens, long cachedTokens) {
    }

    private static final class Usage {
        final LongAdder input = new LongAdder();
        final LongAdder cached = new LongAdder();
    }

    /**
     * The cached tokens of a request with {@code promptTokens} input tokens and this prefix text, counted (and the
     * prefix remembered) as of {@code nowMillis} of the simulated clock.
     */
    public long lookup(String project, String model, String prefixText, long promptTokens, long nowMillis) {
        int minimum = CacheMinimum.tokens(model);
        long cached = 0;
        if (enabled && minimum > 0 && project != null && promptTokens >= minimum) {
            long[] blocks = blocks(model, prefixText);
            int hit = tables.computeIfAbsent(project, p -> new PrefixTable(ENTRIES_PER_PROJECT))
                    .hitAndStore(blocks, nowMillis, nowMillis + ttl.toMillis(), true);
            long tokens = (long) hit * BLOCK_TOKENS;
            cached = tokens >= minimum ? Math.min(tokens, promptTokens) : 0;
        }
        count(project, promptTokens, cached);
        return cached;
    }

    private void count(String project, long promptTokens, long cached) {
        if (project == null) {
            return;
        }
        Usage counts = usage.computeIfAbsent(project, p -> new Usage());
        counts.input.add(promptTokens);
        counts.cached.add(cached);
    }

    /** A running hash of the text at each whole block, salted with the model: caches are per model. */
    static long[] blocks(String model, String text) {
        long[] blocks = new long[text.length() / BLOCK_CHARS];
        long hash = 0xcbf29ce484222325L ^ model.hashCode();
        for (int i = 0; i < blocks.length * BLOCK_CHARS; i++) {
            hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
            if ((i + 1) % BLOCK_CHARS == 0) {
                blocks[i / BLOCK_CHARS] = hash;
            }
        }
        return blocks;
    }

    public Duration ttl() {
        return ttl;
    }

    public void ttl(Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl cannot be negative");
        }
        this.ttl = ttl;
    }

    public boolean enabled() {
        return enabled;
    }

    public void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Counts counts(String project) {
        Usage counts = usage.get(project);
        return counts == null ? new Counts(0, 0) : new Counts(counts.input.sum(), counts.cached.sum());
    }

    /** Counts of every project that had a generation request, by project name. */
    public Map<String, Counts> counts() {
        Map<String, Counts> out = new TreeMap<>();
        usage.forEach((project, counts) -> out.put(project, new Counts(counts.input.sum(), counts.cached.sum())));
        return out;
    }

    /** Forgets every cached prefix and count, back to the default TTL, enabled. */
    public void clear() {
        tables.clear();
        usage.clear();
        ttl = DEFAULT_TTL;
        enabled = true;
    }
}
