package dev.geminigateway.rotation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.geminigateway.metrics.MeterCache;

/**
 * {@value #NAME} ({@code gemini_gateway_rotation_fallbacks_total{group,from,to}}): requests a group sent with its
 * fallback model. Tags are bounded: groups and both models come from the configuration (a model without a
 * configured fallback never falls back).
 */
public final class FallbackMeter {

    public static final String NAME = "gemini.gateway.rotation.fallbacks";

    /** Counts nothing (no meter registry). */
    public static final FallbackMeter NONE = new FallbackMeter(null);

    private record Tags(String group, String from, String to) {
    }

    private final MeterCache<Tags, Counter> counters;

    public FallbackMeter(MeterRegistry registry) {
        this.counters = registry == null ? null : new MeterCache<>(tags -> Counter.builder(NAME)
                .description("Requests a key group sent with its fallback model")
                .tag("group", tags.group()).tag("from", tags.from()).tag("to", tags.to())
                .register(registry));
    }

    void fellBack(Tier tier) {
        if (counters != null) {
            counters.get(new Tags(tier.group().name(), tier.requested(), tier.model())).increment();
        }
    }
}
