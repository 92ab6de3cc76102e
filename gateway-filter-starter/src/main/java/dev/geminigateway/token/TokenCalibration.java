package dev.geminigateway.token;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Learns, per model, how Gemini's real prompt token count compares with our uncalibrated o200k estimate: an
 * exponentially weighted moving average of {@code real / estimated}, bounded to {@code [0.5, 2.0]} so that one odd
 * response (e.g. a request naming explicit {@code cachedContent}, whose tokens Gemini counts but the body does not
 * carry) cannot swing it far. TokenLimit applies it when a route sets {@code autoCalibrate}. Thread-safe.
 */
public class TokenCalibration {

    public static final double MIN_FACTOR = 0.5;
    public static final double MAX_FACTOR = 2.0;
    /** Weight of each new sample: about the last 20 responses shape the factor. */
    public static final double DEFAULT_ALPHA = 0.1;
    /** Samples needed before the learned factor is used; until then the route's configured factor applies. */
    public static final int DEFAULT_MIN_SAMPLES = 5;
    /** Models tracked at most; model names come from clients, so the table must not grow without bound. */
    public static final int MAX_MODELS = 256;

    private final double alpha;
    private final int minSamples;
    private final ConcurrentMap<String, Ewma> factors = new ConcurrentHashMap<>();

    public TokenCalibration() {
        this(DEFAULT_ALPHA, DEFAULT_MIN_SAMPLES);
    }

    public TokenCalibration(double alpha, int minSamples) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        this.alpha = alpha;
        this.minSamples = Math.max(1, minSamples);
    }

    /** Adds one observation; ignored when either count is zero. */
    public void observe(String model, long uncalibratedEstimate, long realPromptTokens) {
        if (model == null || uncalibratedEstimate <= 0 || realPromptTokens <= 0) {
            return;
        }
        double ratio = clamp((double) realPromptTokens / uncalibratedEstimate);
        Ewma ewma = factors.get(model);
        if (ewma == null) {
            if (factors.size() >= MAX_MODELS) {
                return;
            }
            ewma = factors.computeIfAbsent(model, m -> new Ewma());
        }
        ewma.add(ratio, alpha);
    }

    /** The learned factor for {@code model}, once enough samples have been seen. */
    public Optional<Double> factorFor(String model) {
        Ewma ewma = model == null ? null : factors.get(model);
        return ewma == null ? Optional.empty() : ewma.valueAfter(minSamples);
    }

    private static double clamp(double value) {
        return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, value));
    }

    private static final class Ewma {

        private double value;
        private long samples;

        synchronized void add(double sample, double alpha) {
            value = samples == 0 ? sample : value + alpha * (sample - value);
            samples++;
        }

        synchronized Optional<Double> valueAfter(int minSamples) {
            return samples >= minSamples ? Optional.of(value) : Optional.empty();
        }
    }
}
