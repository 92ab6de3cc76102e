package dev.geminigateway.token;

import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.metrics.MeterCache;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.web.GeminiExchangeAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reconciles TokenLimit's estimate with the usage Gemini reports, once per successful request:
 * <ul>
 * <li>{@value #RATIO} (tag {@code model}): real prompt tokens / estimated tokens, to show how good the estimate is;</li>
 * <li>{@value #ESTIMATED} (tags {@code model}, {@code kind=input}) and {@value #USED} (tags {@code model},
 * {@code kind=input|output|cached}): token counters, as Gemini bills: input is the whole prompt (cached tokens
 * included, and also counted apart as {@code cached}), output includes thoughts;</li>
 * <li>and it feeds {@link TokenCalibration}, which TokenLimit applies on routes with {@code autoCalibrate}.</li>
 * </ul>
 * The {@code model} tag is bounded: only models the gateway knows (configured or in Gemini's catalogue, see
 * {@link KnownModels}) get their own; any other name is tagged {@code other}, so a client cannot blow up the metric
 * cardinality or put a secret in a tag. Meters are resolved once per tag set ({@link MeterCache}).
 * <p>
 * As a {@link UsageListener} bean it is told every successful answer's usage by KeyHealthFeedback.
 */
public class TokenUsageRecorder implements UsageListener {

    public static final String RATIO = "gemini.gateway.tokens.estimate.ratio";
    public static final String ESTIMATED = "gemini.gateway.tokens.estimated";
    public static final String USED = "gemini.gateway.tokens.used";

    private final TokenCalibration calibration;
    private final KnownModels models;
    private final MeterCache<String, DistributionSummary> ratios;
    private final MeterCache<TokenTags, Counter> counters;

    public TokenUsageRecorder(MeterRegistry registry, TokenCalibration calibration) {
        this(registry, calibration, KnownModels.catalogue());
    }

    public TokenUsageRecorder(MeterRegistry registry, TokenCalibration calibration, KnownModels models) {
        this.calibration = calibration;
        this.models = models;
        this.ratios = new MeterCache<>(model -> DistributionSummary.builder(RATIO)
                .description("Real prompt tokens reported by Gemini divided by the gateway's estimate")
                .tag("model", model)
                .register(registry));
        this.counters = new MeterCache<>(tags -> Counter.builder(tags.name()).baseUnit("tokens")
                .tag("model", tags.model()).tag("kind", tags.kind()).register(registry));
    }

    @Override
    public void onUsage(ServerWebExchange exchange, Usage usage) {
        record(exchange, usage);
    }

    /**
     * Records a request TokenLimit estimated: reads {@link GeminiExchangeAttributes#MODEL} and the
     * {@link TokenEstimate#EXCHANGE_ATTRIBUTE} from the exchange; does nothing when TokenLimit did not run.
     */
    public void record(ServerWebExchange exchange, Usage usage) {
        TokenEstimate estimate = exchange.getAttribute(TokenEstimate.EXCHANGE_ATTRIBUTE);
        if (estimate != null) {
            record(exchange.<String>getAttribute(GeminiExchangeAttributes.MODEL), estimate, usage);
        }
    }

    /** Records metrics and feeds the calibration (which learns from the estimate before any factor). */
    public void record(String model, TokenEstimate estimate, Usage usage) {
        record(model, estimate.totalTokens(), usage);
        if (usage.cachedTokens() == 0) {
            // A cached prompt (an explicit cachedContent the body only names) is no measure of the estimate.
            calibration.observe(model, estimate.uncalibratedTokens(), usage.promptTokens());
        }
    }

    /**
     * Records metrics only. {@code estimatedTokens} is the figure TokenLimit published
     * ({@link GeminiExchangeAttributes#ESTIMATED_TOKENS}); it may already include a calibration factor, so it is not
     * used to learn one: pass the {@link TokenEstimate} for that.
     */
    public void record(String model, long estimatedTokens, Usage usage) {
        String tag = modelTag(model);
        if (estimatedTokens > 0) {
            if (usage.cachedTokens() == 0) {
                ratios.get(tag).record((double) usage.promptTokens() / estimatedTokens);
            }
            counter(ESTIMATED, tag, "input").increment(estimatedTokens);
        }
        counter(USED, tag, "input").increment(usage.promptTokens());
        counter(USED, tag, "output").increment(usage.outputTokens());
        if (usage.cachedTokens() > 0) {
            counter(USED, tag, "cached").increment(usage.cachedTokens());
        }
    }

    private Counter counter(String name, String model, String kind) {
        return counters.get(new TokenTags(name, model, kind));
    }

    String modelTag(String model) {
        return model == null || model.isEmpty() ? "unknown" : models.tag(model);
    }

    private record TokenTags(String name, String model, String kind) {
    }
}
