package dev.geminigateway.observability;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.geminigateway.model.KnownModels;

/**
 * The last hour of routed requests, per minute, per key group and model: requests, successes, upstream 429s, other
 * upstream errors, 429s the gateway answered itself, and a latency histogram for p50/p95. Held in a ring of 60
 * minute slots per (group, model) of fixed size, so memory depends on the number of series (bounded by
 * {@code maxSeries}; models a client names that the gateway does not know share the series {@value KnownModels#OTHER}),
 * never on traffic. Recording is a few atomic increments and two map reads; nothing is allocated once a series
 * exists. A slot is cleared under a lock once per minute, when its first request of the new minute arrives; a count
 * racing with that clear may be lost, which a dashboard can bear.
 */
public class TrafficHistory {

    public static final int MINUTES = 60;
    /** Upper bounds of the latency buckets, in ms; one more bucket holds everything slower. */
    static final long[] LATENCY_BOUNDS_MS = { 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000,
            50_000, 100_000, 300_000 };
    private static final int REQUESTS = 0;
    private static final int SUCCESSES = 1;
    private static final int UPSTREAM_429 = 2;
    private static final int UPSTREAM_ERRORS = 3;
    private static final int GATEWAY_429 = 4;
    private static final int LATENCY = 5;
    private static final int WIDTH = LATENCY + LATENCY_BOUNDS_MS.length + 1;
    private static final long MINUTE_MS = 60_000;

    private final Clock clock;
    private final KnownModels models;
    private final int maxSeries;
    private final AtomicInteger seriesCount = new AtomicInteger();
    private final Map<String, Map<String, Series>> byGroup = new ConcurrentHashMap<>();

    public TrafficHistory(Clock clock, KnownModels models, int maxSeries) {
        this.clock = clock;
        this.models = models;
        this.maxSeries = maxSeries;
    }

    /**
     * One completed request.
     *
     * @param gateway429 the gateway answered 429 itself (no project had quota headroom, or all were cooling)
     */
    public void record(String group, String model, boolean success, int upstream429s, int upstreamErrors,
            boolean gateway429, long latencyNanos) {
        Series series = series(group, model == null ? "none" : models.isKnown(model) ? model : KnownModels.OTHER);
        if (series == null) {
            return;
        }
        long minute = clock.millis() / MINUTE_MS;
        int slot = (int) (minute % MINUTES);
        if (series.stamps.get(slot) != minute && !series.roll(slot, minute)) {
            return;
        }
        AtomicLongArray counts = series.counts;
        int base = slot * WIDTH;
        counts.incrementAndGet(base + REQUESTS);
        if (success) {
            counts.incrementAndGet(base + SUCCESSES);
        }
        if (upstream429s > 0) {
            counts.addAndGet(base + UPSTREAM_429, upstream429s);
        }
        if (upstreamErrors > 0) {
            counts.addAndGet(base + UPSTREAM_ERRORS, upstreamErrors);
        }
        if (gateway429) {
            counts.incrementAndGet(base + GATEWAY_429);
        }
        counts.incrementAndGet(base + LATENCY + bucket(latencyNanos / 1_000_000));
    }

    /** Models with a request in the last hour in {@code group} (known ones only: no "other", no "none"). */
    public Set<String> modelsSeen(String group) {
        Set<String> seen = new TreeSet<>();
        long first = clock.millis() / MINUTE_MS - MINUTES + 1;
        byGroup.getOrDefault(group, Map.of()).forEach((model, series) -> {
            if (models.isKnown(model) && series.activeSince(first)) {
                seen.add(model);
            }
        });
        return seen;
    }

    /**
     * The last hour, oldest minute first: {@code minutes} (epoch ms of each minute's start) and one entry per
     * series with a value per minute for each figure ({@code p50Ms}/{@code p95Ms} null in minutes without requests).
     */
    public Map<String, Object> snapshot() {
        long current = clock.millis() / MINUTE_MS;
        long first = current - MINUTES + 1;
        List<Long> minutes = new ArrayList<>(MINUTES);
        for (long m = first; m <= current; m++) {
            minutes.add(m * MINUTE_MS);
        }
        List<Map<String, Object>> series = new ArrayList<>();
        new java.util.TreeMap<>(byGroup).forEach((group, byModel) -> new java.util.TreeMap<>(byModel)
                .forEach((model, one) -> {
                    if (one.activeSince(first)) {
                        series.add(one.view(group, model, first));
                    }
                }));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("minutes", minutes);
        view.put("series", series);
        return view;
    }

    private Series series(String group, String model) {
        Map<String, Series> byModel = byGroup.get(group);
        Series series = byModel == null ? null : byModel.get(model);
        if (series != null) {
            return series;
        }
        if (seriesCount.get() >= maxSeries) {
            return null;
        }
        return byGroup.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).computeIfAbsent(model, m -> {
            seriesCount.incrementAndGet();
            return new Series();
        });
    }

    static int bucket(long millis) {
        for (int i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
            if (millis <= LATENCY_BOUNDS_MS[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_MS.length;
    }

    /**
     * The latency at quantile {@code q} of one minute's histogram, interpolated linearly inside its bucket (the open
     * top bucket counts as twice the last bound); null without requests.
     */
    static Long quantile(long[] buckets, double q) {
        long total = 0;
        for (long n : buckets) {
            total += n;
        }
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long below = 0;
        for (int i = 0; i < buckets.length; i++) {
            if (below + buckets[i] >= rank) {
                long lower = i == 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
                long upper = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : 2 * lower;
                return lower + Math.round((upper - lower) * (double) (rank - below) / buckets[i]);
            }
            below += buckets[i];
        }
        return null;
    }

    /** The 60 slots of one (group, model): each slot's minute, and its counts in one flat array. */
    private static final class Series {

        final AtomicLongArray stamps = new AtomicLongArray(MINUTES);
        final AtomicLongArray counts = new AtomicLongArray(MINUTES * WIDTH);

        Series() {
            for (int i = 0; i < MINUTES; i++) {
                stamps.set(i, -1);
            }
        }

        /** Makes {@code slot} hold {@code minute}, cleared; false when it already holds a later one. */
        synchronized boolean roll(int slot, long minute) {
            long held = stamps.get(slot);
            if (held == minute) {
                return true;
            }
            if (held > minute) {
                return false;
            }
            for (int i = slot * WIDTH; i < (slot + 1) * WIDTH; i++) {
                counts.set(i, 0);
            }
            stamps.set(slot, minute);
            return true;
        }

        boolean activeSince(long first) {
            for (int slot = 0; slot < MINUTES; slot++) {
                if (stamps.get(slot) >= first) {
                    return true;
                }
            }
            return false;
        }

        Map<String, Object> view(String group, String model, long first) {
            List<Long> requests = new ArrayList<>(MINUTES);
            List<Long> successes = new ArrayList<>(MINUTES);
            List<Long> upstream429 = new ArrayList<>(MINUTES);
            List<Long> upstreamErrors = new ArrayList<>(MINUTES);
            List<Long> gateway429 = new ArrayList<>(MINUTES);
            List<Long> p50 = new ArrayList<>(MINUTES);
            List<Long> p95 = new ArrayList<>(MINUTES);
            long[] latency = new long[LATENCY_BOUNDS_MS.length + 1];
            for (long minute = first; minute < first + MINUTES; minute++) {
                int slot = (int) (minute % MINUTES);
                int base = slot * WIDTH;
                boolean held = stamps.get(slot) == minute;
                requests.add(held ? counts.get(base + REQUESTS) : 0L);
                successes.add(held ? counts.get(base + SUCCESSES) : 0L);
                upstream429.add(held ? counts.get(base + UPSTREAM_429) : 0L);
                upstreamErrors.add(held ? counts.get(base + UPSTREAM_ERRORS) : 0L);
                gateway429.add(held ? counts.get(base + GATEWAY_429) : 0L);
                for (int i = 0; i < latency.length; i++) {
                    latency[i] = held ? counts.get(base + LATENCY + i) : 0;
                }
                p50.add(quantile(latency, 0.5));
                p95.add(quantile(latency, 0.95));
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("group", group);
            view.put("model", model);
            view.put("requests", requests);
            view.put("successes", successes);
            view.put("upstream429", upstream429);
            view.put("upstreamErrors", upstreamErrors);
            view.put("gateway429", gateway429);
            view.put("p50Ms", p50);
            view.put("p95Ms", p95);
            return view;
        }
    }
}
