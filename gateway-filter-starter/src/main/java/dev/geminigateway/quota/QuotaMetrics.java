package dev.geminigateway.quota;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.geminigateway.metrics.MeterCache;
import dev.geminigateway.model.KnownModels;

/**
 * Meters under {@code gemini.gateway.quota.}: {@code headroom} and {@code limit} (gauges per group, project, model
 * and limit),
 * {@code rejections} (requests the gateway answered 429 itself, without calling Gemini), {@code waits} (how long
 * requests waited for a project to have room). Tags carry project and model names, never keys; headroom gauges
 * exist only for pairs with a known limit and a model the gateway knows ({@link KnownModels}: configured or in
 * Gemini's catalogue), and at most {@code maxGauges} of them, so cardinality stays bounded whatever model names
 * clients send.
 */
public class QuotaMetrics {

    public static final String PREFIX = "gemini.gateway.quota.";

    private final MeterRegistry registry;
    private final int maxGauges;
    private final KnownModels models;
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final MeterCache<RejectionTags, Counter> rejections;
    private final MeterCache<WaitTags, Timer> waits;

    public QuotaMetrics(MeterRegistry registry, int maxGauges) {
        this(registry, maxGauges, KnownModels.catalogue());
    }

    public QuotaMetrics(MeterRegistry registry, int maxGauges, KnownModels models) {
        this.registry = registry;
        this.maxGauges = maxGauges;
        this.models = models;
        this.rejections = new MeterCache<>(tags -> Counter.builder(PREFIX + "rejections")
                .description("Requests answered 429 by the gateway because no project had quota headroom")
                .tags("group", tags.group(), "limit", tags.metric() == null ? "unknown" : tags.metric().tag())
                .register(registry));
        this.waits = new MeterCache<>(tags -> Timer.builder(PREFIX + "waits")
                .description("Time requests waited for a project to free up (quota headroom or a cooldown)")
                .tags("group", tags.group(), "result", tags.served() ? "served" : "rejected")
                .register(registry));
    }

    public static QuotaMetrics none() {
        return new QuotaMetrics(null, 0);
    }

    /**
     * Registers headroom and limit gauges for (group, project, model) once; {@code headroom} and {@code limit} read
     * the current values (the limit too: a learned one may replace the configured one).
     */
    void watch(String group, String project, String model, ToDoubleFunction<QuotaMetric> headroom,
            ToDoubleFunction<QuotaMetric> limit) {
        if (registry == null || !models.isKnown(model) || watched.size() >= maxGauges || !watched.add(group + '\u0000' + project + '\u0000' + model)) {
            return;
        }
        for (QuotaMetric metric : QuotaMetric.values()) {
            Gauge.builder(PREFIX + "headroom", () -> headroom.applyAsDouble(metric))
                    .description("What a project may still send for a model now (NaN: no limit known)")
                    .tags("group", group, "project", project, "model", model, "limit", metric.tag())
                    .register(registry);
            // beside headroom, so that an alert can say "under 10 % left" whatever the limit
            Gauge.builder(PREFIX + "limit", () -> limit.applyAsDouble(metric))
                    .description("The limit in force for a project and model (NaN: no limit known)")
                    .tags("group", group, "project", project, "model", model, "limit", metric.tag())
                    .register(registry);
        }
    }

    void rejected(String group, QuotaMetric metric) {
        if (registry != null) {
            rejections.get(new RejectionTags(group, metric)).increment();
        }
    }

    void waited(String group, Duration wait, boolean served) {
        if (registry != null) {
            waits.get(new WaitTags(group, served)).record(wait);
        }
    }

    private record RejectionTags(String group, QuotaMetric metric) {
    }

    private record WaitTags(String group, boolean served) {
    }
}
