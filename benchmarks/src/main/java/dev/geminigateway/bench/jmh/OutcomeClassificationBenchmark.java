package dev.geminigateway.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;

/**
 * What classifying one upstream answer costs: a 2xx (the hot path, no body parsed), and the error bodies of
 * ARCHITECTURE.md §8.2 that make the gateway switch keys: a per-minute quota 429 with QuotaFailure and
 * RetryInfo, the same wrapped in the OpenAI surface's one-element list, an invalid key 400 and a 503.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m" })
public class OutcomeClassificationBenchmark {

    static final String QUOTA_429 = """
            {"error": {"code": 429,
              "message": "You exceeded your current quota, please check your plan and billing details. Please retry in 58.821668433s.",
              "status": "RESOURCE_EXHAUSTED",
              "details": [
                {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                  {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                   "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                   "quotaDimensions": {"model": "gemini-2.5-flash", "location": "global"},
                   "quotaValue": "10"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "58s"}]}}
            """;

    static final String INVALID_KEY_400 = """
            {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
              "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                 "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}}]}}""";

    static final String OVERLOADED_503 = """
            {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""";

    private GeminiErrorClassifier classifier;
    private byte[] ok;
    private byte[] quota;
    private byte[] quotaOpenAi;
    private byte[] invalidKey;
    private byte[] overloaded;

    @Setup
    public void setUp() {
        classifier = new GeminiErrorClassifier(JsonMapper.builder().build(), Clock.systemUTC());
        ok = "{\"candidates\":[]}".getBytes(StandardCharsets.UTF_8);
        quota = QUOTA_429.getBytes(StandardCharsets.UTF_8);
        quotaOpenAi = ("[" + QUOTA_429 + "]").getBytes(StandardCharsets.UTF_8);
        invalidKey = INVALID_KEY_400.getBytes(StandardCharsets.UTF_8);
        overloaded = OVERLOADED_503.getBytes(StandardCharsets.UTF_8);
        expect(success(), OutcomeKind.SUCCESS);
        expect(minuteQuota(), OutcomeKind.MINUTE_QUOTA);
        expect(minuteQuotaOpenAiList(), OutcomeKind.MINUTE_QUOTA);
        expect(invalidKey(), OutcomeKind.KEY_INVALID);
        expect(overloaded(), OutcomeKind.SERVER_ERROR);
    }

    private static void expect(UpstreamOutcome outcome, OutcomeKind kind) {
        if (outcome.kind() != kind) {
            throw new IllegalStateException("expected " + kind + ", classified as " + outcome.kind());
        }
    }

    @Benchmark
    public UpstreamOutcome success() {
        return classifier.classify(200, ok);
    }

    @Benchmark
    public UpstreamOutcome minuteQuota() {
        return classifier.classify(429, quota);
    }

    @Benchmark
    public UpstreamOutcome minuteQuotaOpenAiList() {
        return classifier.classify(429, quotaOpenAi);
    }

    @Benchmark
    public UpstreamOutcome invalidKey() {
        return classifier.classify(400, invalidKey);
    }

    @Benchmark
    public UpstreamOutcome overloaded() {
        return classifier.classify(503, overloaded);
    }
}
