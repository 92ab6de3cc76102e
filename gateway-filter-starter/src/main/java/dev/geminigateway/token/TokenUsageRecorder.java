package dev.geminigateway.token;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.web.GeminiExchangeAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reconciles TokenLimit's estimate with the usage Gemini reports, once per successful request:
 * <ul>
 * <li>{@value #RATIO} (tag {@code model}): real prompt tokens / estimated tokens, to show how good the estimate is;</li>
 * <li>{@value #ESTIMATED} (tags {@code model}, {@code kind=input}) and {@value #USED} (tags {@code model},
 * {@code kind=input|output}): token counters;</li>
 * <li>and it feeds {@link TokenCalibration}, which TokenLimit applies on routes with {@code autoCalibrate}.</li>
 * </ul>
 * The {@code model} tag is bounded: names that are not plain model ids, or beyond {@value #MAX_MODEL_TAGS} distinct
 * ones, are tagged {@code other}, so a client cannot blow up the metric cardinality or put a secret in a tag.
 * <p>
 * As a {@link UsageListener} bean it is told every successful answer's usage by KeyHealthFeedback.
 */
public class TokenUsageRecorder implements UsageListener {

    public static final String RATIO = "gemini.gateway.tokens.estimate.ratio";
    public static final String ESTIMATED = "gemini.gateway.tokens.estimated";
    public static final String USED = "gemini.gateway.tokens.used";
    public static final int MAX_MODEL_TAGS = 64;

    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");

    private final MeterRegistry registry;
    private final TokenCalibration calibration;
    private final Set<String> modelTags = ConcurrentHashMap.newKeySet();

    public TokenUsageRecorder(MeterRegistry registry, TokenCalibration calibration) {
        this.registry = registry;
        this.calibration = calibration;
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
        calibration.observe(model, estimate.uncalibratedTokens(), usage.promptTokens());
    }

    /**
     * Records metrics only. {@code estimatedTokens} is the figure TokenLimit published
     * ({@link GeminiExchangeAttributes#ESTIMATED_TOKENS}); it may already include a calibration factor, so it is not
     * used to learn one: pass the {@link TokenEstimate} for that.
     */
    public void record(String model, long estimatedTokens, Usage usage) {
        String tag = modelTag(model);
        if (estimatedTokens > 0) {
            DistributionSummary.builder(RATIO)
                    .description("Real prompt tokens reported by Gemini divided by the gateway's estimate")
                    .tag("model", tag)
                    .register(registry)
                    .record((double) usage.promptTokens() / estimatedTokens);
            counter(ESTIMATED, tag, "input").increment(estimatedTokens);
        }
        counter(USED, tag, "input").increment(usage.promptTokens());
        counter(USED, tag, "output").increment(usage.outputTokens());
    }

    private Counter counter(String name, String model, String kind) {
        return Counter.builder(name).baseUnit("tokens").tag("model", model).tag("kind", kind).register(registry);
    }

    String modelTag(String model) {
        if (model == null || model.isEmpty()) {
            return "unknown";
        }
        // AIza… is the shape of a Google API key: never let one into a tag, even if a client put it in "model"
        if (!MODEL_ID.matcher(model).matches() || model.startsWith("AIza")) {
            return "other";
        }
        if (modelTags.contains(model)) {
            return model;
        }
        if (modelTags.size() >= MAX_MODEL_TAGS) {
            return "other";
        }
        modelTags.add(model);
        return model;
    }
}
