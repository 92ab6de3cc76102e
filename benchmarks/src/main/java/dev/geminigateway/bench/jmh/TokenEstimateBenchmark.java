package dev.geminigateway.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.geminigateway.token.TokenCounter;
import dev.geminigateway.token.TokenEstimate;
import dev.geminigateway.web.Surface;

/**
 * What TokenLimit spends on an ordinary request: the body parsed and walked, then either every text tokenized with
 * o200k ({@code exact}, what it did for every request before) or only measured in bytes because the byte bound is
 * far below the limit ({@code underLimit}, what it does now for such requests). Bodies: the load benchmark's chat
 * (~190 bytes) and a 4 KB conversation of short messages.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m" })
public class TokenEstimateBenchmark {

    /** The body of benchmarks/scripts/chat.lua. */
    static final String LOAD_CHAT = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"system\",\"content\":"
            + "\"You are a concise assistant.\"},{\"role\":\"user\",\"content\":\"Summarise in one sentence why API "
            + "gateways pool keys.\"}],\"max_tokens\":64}";

    @Param({ "chat", "conversation4k" })
    public String body;

    /** Without the count cache: these texts are below its 256-character floor anyway. */
    private final TokenCounter counter = new TokenCounter(
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE), 0);
    private byte[] bytes;

    @Setup
    public void setUp() {
        String text = "chat".equals(body) ? LOAD_CHAT : conversation(4096);
        bytes = text.getBytes(StandardCharsets.UTF_8);
    }

    private static String conversation(int size) {
        StringBuilder json = new StringBuilder("{\"model\":\"gemini-2.5-flash\",\"messages\":[");
        for (int i = 0; json.length() < size; i++) {
            json.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"Message ").append(i)
                    .append(" of a conversation about pooling API keys behind one gateway, turn by turn.\"}");
        }
        return json.append("]}").toString();
    }

    @Benchmark
    public TokenEstimate exact() {
        return counter.estimate(Surface.OPENAI, counter.parse(bytes), 258, 1.0);
    }

    @Benchmark
    public TokenEstimate underLimit() {
        return counter.estimate(Surface.OPENAI, counter.parse(bytes), 258, 1.0, 125_000);
    }
}
