package dev.geminigateway.bench.load;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a sample, written as a small JSON object (microseconds). */
final class Percentiles {

    private Percentiles() {
    }

    static String json(long[] micros) {
        if (micros.length == 0) {
            return "{\"n\":0}";
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        return String.format(Locale.ROOT, "{\"n\":%d,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d,\"mean\":%.1f}",
                sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted[sorted.length - 1], mean);
    }

    static long rank(long[] sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
