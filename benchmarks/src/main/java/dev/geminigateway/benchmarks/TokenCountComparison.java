package dev.geminigateway.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import dev.geminigateway.token.TokenCounter;
import dev.geminigateway.web.Surface;

/**
 * The same comparison as {@link TokenCountBenchmark}, but interleaved: each round times the walker and the plain
 * jtokkit baseline back to back and keeps their ratio, so a machine shared with other work (CI, parallel builds)
 * slows both sides of a ratio alike. Prints medians. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.geminigateway.benchmarks.TokenCountComparison [rounds]}.
 */
public final class TokenCountComparison {

    private TokenCountComparison() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        TokenCounter counter = new TokenCounter(encoding, 0);
        TokenCounter caching = new TokenCounter(encoding, TokenCounter.DEFAULT_CACHE_SLOTS);
        ChatBodies.Body openAi = ChatBodies.openAiChat(TokenCountBenchmark.BODY_BYTES, 1);
        ChatBodies.Body gemini = ChatBodies.nativeGenerate(TokenCountBenchmark.BODY_BYTES, 2);
        caching.estimate(Surface.OPENAI, openAi.json(), 258, 1.0);

        double[][] ms = new double[5][rounds];
        for (int warmup = 0; warmup < 5; warmup++) {
            counter.estimate(Surface.OPENAI, openAi.json(), 258, 1.0);
            baseline(encoding, openAi.texts());
        }
        for (int r = 0; r < rounds; r++) {
            ms[0][r] = time(() -> counter.estimate(Surface.OPENAI, openAi.json(), 258, 1.0).totalTokens());
            ms[1][r] = time(() -> baseline(encoding, openAi.texts()));
            ms[2][r] = time(() -> counter.estimate(Surface.NATIVE, gemini.json(), 258, 1.0).totalTokens());
            ms[3][r] = time(() -> baseline(encoding, gemini.texts()));
            ms[4][r] = time(() -> caching.estimate(Surface.OPENAI, openAi.json(), 258, 1.0).totalTokens());
        }
        report("openAiChatBody", ms[0], openAi.json().length, ms[1]);
        report("baselineOpenAiText", ms[1], openAi.json().length, null);
        report("nativeBody", ms[2], gemini.json().length, ms[3]);
        report("baselineNativeText", ms[3], gemini.json().length, null);
        report("openAiResentHistory", ms[4], openAi.json().length, ms[1]);
    }

    private static long baseline(Encoding encoding, List<String> texts) {
        long total = 0;
        for (String text : texts) {
            total += encoding.countTokensOrdinary(text);
        }
        return total;
    }

    private static double time(LongSupplier work) {
        long start = System.nanoTime();
        if (work.getAsLong() < 0) {
            throw new IllegalStateException();
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static void report(String name, double[] ms, int bytes, double[] baseline) {
        double median = median(ms);
        String ratio = "";
        if (baseline != null) {
            double[] ratios = new double[ms.length];
            for (int i = 0; i < ms.length; i++) {
                ratios[i] = baseline[i] / ms[i];
            }
            ratio = String.format("  speed vs baseline (median of per-round ratios): %.2fx", median(ratios));
        }
        System.out.printf("%-20s %8.1f ms/op  %6.1f MB/s%s%n", name, median, bytes / 1e6 / (median / 1000), ratio);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
