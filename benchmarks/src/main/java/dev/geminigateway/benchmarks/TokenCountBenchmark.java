package dev.geminigateway.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import dev.geminigateway.token.TokenCounter;
import dev.geminigateway.token.TokenEstimate;
import dev.geminigateway.web.Surface;

/**
 * What TokenLimit costs on a 1 MB body, single-threaded: parse + walk + count ({@code openAiChatBody},
 * {@code nativeBody}, count cache off), against plain jtokkit counting of the same texts already extracted
 * ({@code baseline*}). {@code openAiResentHistory} is the same body when every message was counted before, as on the
 * next turn of a conversation (count cache on). MB/s = body MB / (ms/op) * 1000 for all of them, so the ratios are
 * fair.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TokenCountBenchmark {

    static final int BODY_BYTES = 1024 * 1024;

    private TokenCounter counter;
    private TokenCounter cachingCounter;
    private Encoding encoding;
    private ChatBodies.Body openAi;
    private ChatBodies.Body gemini;

    @Setup
    public void setUp() {
        encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        counter = new TokenCounter(encoding, 0);
        cachingCounter = new TokenCounter(encoding, TokenCounter.DEFAULT_CACHE_SLOTS);
        openAi = ChatBodies.openAiChat(BODY_BYTES, 1);
        gemini = ChatBodies.nativeGenerate(BODY_BYTES, 2);
        long viaFilter = counter.estimate(Surface.OPENAI, openAi.json(), 258, 1.0).textTokens();
        long direct = count(openAi.texts());
        if (viaFilter != direct) {
            throw new IllegalStateException("walker and baseline disagree: " + viaFilter + " vs " + direct);
        }
        cachingCounter.estimate(Surface.OPENAI, openAi.json(), 258, 1.0);
        System.out.printf("%nOpenAI body %d bytes, %d messages, %d tokens; native body %d bytes, %d texts%n",
                openAi.json().length, openAi.texts().size(), direct, gemini.json().length, gemini.texts().size());
    }

    @Benchmark
    public TokenEstimate openAiChatBody() {
        return counter.estimate(Surface.OPENAI, openAi.json(), 258, 1.0);
    }

    @Benchmark
    public TokenEstimate openAiResentHistory() {
        return cachingCounter.estimate(Surface.OPENAI, openAi.json(), 258, 1.0);
    }

    @Benchmark
    public TokenEstimate nativeBody() {
        return counter.estimate(Surface.NATIVE, gemini.json(), 258, 1.0);
    }

    @Benchmark
    public long baselineOpenAiText() {
        return count(openAi.texts());
    }

    @Benchmark
    public long baselineNativeText() {
        return count(gemini.texts());
    }

    private long count(List<String> texts) {
        long total = 0;
        for (String text : texts) {
            total += encoding.countTokensOrdinary(text);
        }
        return total;
    }
}
