package dev.geminigateway.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.client.ClientTokens;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.observability.GatewayMetrics;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.token.UsageExtractor;

/**
 * The per-request pieces of the proxied path outside key selection and classification: the request and attempt
 * meters (resolved once per tag set), reading the usage of a 2xx answer, and checking the client token (a SHA-256
 * of the presented token, one digest per thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m" })
public class RequestPathBenchmark {

    /** The simulator's non-streamed chat completion, as the OpenAI surface answers it. */
    static final String OPENAI_ANSWER = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gemini-2.5-flash",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Pooling keys spreads load across quotas \
            so one exhausted key does not stop the service."},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":18,"completion_tokens":17,"total_tokens":35}}""";

    /** A native generateContent answer. */
    static final String NATIVE_ANSWER = """
            {"candidates":[{"content":{"parts":[{"text":"Pooling keys spreads load across quotas."}],"role":"model"},\
            "finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":18,"candidatesTokenCount":9,\
            "totalTokenCount":27},"modelVersion":"gemini-2.5-flash","responseId":"abc"}""";

    private static final JsonMapper TREE = JsonMapper.builder().build();

    private GatewayMetrics metrics;
    private String keyId;
    private byte[] openAi;
    private byte[] nativeAnswer;
    private ClientTokens tokens;

    @Setup
    public void setUp() {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            keys.add(new ApiKey("bench-key-" + i + "-0123456789abcdef", "project-" + i / 2, null, "default"));
        }
        KeyRegistry registry = new KeyRegistry(List.of(new KeyGroup("default", keys, Set.of())));
        metrics = new GatewayMetrics(new SimpleMeterRegistry(), registry, true, 100);
        keyId = keys.get(3).id();
        openAi = OPENAI_ANSWER.getBytes(StandardCharsets.UTF_8);
        nativeAnswer = NATIVE_ANSWER.getBytes(StandardCharsets.UTF_8);
        tokens = ClientTokens.of(List.of("bench-client-token-0123456789", "another-client-token-abcdefgh"));
    }

    /** What RequestObservationFilter and AttemptMetricsFilter record for one successful request. */
    @Benchmark
    public void metersOfOneRequest() {
        metrics.attempt(OutcomeKind.SUCCESS, keyId);
        metrics.selection("gemini-openai", Duration.ofNanos(1_500));
        metrics.requestCompleted("gemini-openai", "openai", 200, Duration.ofMillis(3), 1, false);
    }

    @Benchmark
    public Optional<Usage> usageOfAnOpenAiAnswer() {
        return UsageExtractor.fromJson(openAi);
    }

    /** What reading usage cost before: the whole answer parsed into a tree. */
    @Benchmark
    public Object treeOfAnOpenAiAnswer() {
        return TREE.readTree(openAi);
    }

    @Benchmark
    public Optional<Usage> usageOfANativeAnswer() {
        return UsageExtractor.fromJson(nativeAnswer);
    }

    @Benchmark
    public Optional<String> clientToken() {
        return tokens.authenticate("bench-client-token-0123456789");
    }
}
