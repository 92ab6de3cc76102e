package dev.geminigateway.observability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.metrics.MeterCache;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.rotation.KeyRotationAttributes;
import dev.geminigateway.web.GeminiExchangeAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How much of the input Gemini served from its prompt cache, per project and model, from the usage of every
 * successful answer (ARCHITECTURE.md §5, §8.5):
 * <ul>
 * <li>{@value #CACHED} ({@code gemini_gateway_cached_input_tokens_total{project,model}}): input tokens served from a
 * cache ({@code cachedContentTokenCount}, {@code prompt_tokens_details.cached_tokens}), implicit or explicit;</li>
 * <li>{@value #INPUT} ({@code gemini_gateway_input_tokens_total{project,model}}): all input tokens, the denominator of
 * the cache-hit share ({@code gemini.gateway.tokens.used{kind=input}} has the same total per model, without the
 * project).</li>
 * </ul>
 * and the same figures, with the share, for the admin overview. Tags are bounded: projects are those of configured
 * keys, models are tagged as {@link KnownModels} does.
 */
public class PromptCacheStats implements UsageListener {

    public static final String CACHED = "gemini.gateway.cached.input.tokens";
    public static final String INPUT = "gemini.gateway.input.tokens";

    private final KnownModels models;
    private final MeterCache<Tags, Counter> cached;
    private final MeterCache<Tags, Counter> input;
    /** Bounded like the tags: projects of configured keys times known models (plus "other"). */
    private final Map<Tags, Totals> totals = new ConcurrentHashMap<>();

    public PromptCacheStats(MeterRegistry registry, KnownModels models) {
        this.models = models;
        this.cached = new MeterCache<>(tags -> Counter.builder(CACHED)
                .description("Input tokens Gemini served from a prompt cache")
                .tag("project", tags.project()).tag("model", tags.model()).register(registry));
        this.input = new MeterCache<>(tags -> Counter.builder(INPUT)
                .description("Input tokens Gemini billed, cached ones included")
                .tag("project", tags.project()).tag("model", tags.model()).register(registry));
    }

    @Override
    public void onUsage(ServerWebExchange exchange, Usage usage) {
        String project = exchange.getAttribute(KeyRotationAttributes.PROJECT);
        String model = exchange.getAttribute(GeminiExchangeAttributes.MODEL);
        record(project == null ? "unknown" : project, model == null ? "unknown" : models.tag(model), usage);
    }

    void record(String project, String model, Usage usage) {
        Tags tags = new Tags(project, model);
        input.get(tags).increment(usage.promptTokens());
        cached.get(tags).increment(usage.cachedTokens());
        Totals sums = totals.computeIfAbsent(tags, t -> new Totals());
        sums.input.add(usage.promptTokens());
        sums.cached.add(usage.cachedTokens());
    }

    /** Per project and model: input tokens, cached tokens and the cached share (0 to 1), by project then model. */
    public List<Map<String, Object>> overview() {
        List<Map<String, Object>> rows = new ArrayList<>();
        totals.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<Tags, Totals> e) -> e.getKey().project())
                        .thenComparing(e -> e.getKey().model()))
                .forEach(e -> {
                    long in = e.getValue().input.sum();
                    long hit = e.getValue().cached.sum();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("project", e.getKey().project());
                    row.put("model", e.getKey().model());
                    row.put("inputTokens", in);
                    row.put("cachedInputTokens", hit);
                    row.put("cachedShare", in == 0 ? 0.0 : (double) hit / in);
                    rows.add(row);
                });
        return rows;
    }

    private record Tags(String project, String model) {
    }

    private static final class Totals {
        final LongAdder input = new LongAdder();
        final LongAdder cached = new LongAdder();
    }
}
