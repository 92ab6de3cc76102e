package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.web.GeminiExchangeAttributes;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class TokenUsageRecorderTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TokenCalibration calibration = new TokenCalibration(0.5, 2);
    private final TokenUsageRecorder recorder = new TokenUsageRecorder(registry, calibration,
            new KnownModels(List.of("m")));

    @Test
    void recordsTheRatioAndTokenCountersPerModel() {
        recorder.record("gemini-2.5-flash", TokenEstimate.of(100, 0, 258, 1.0), new Usage(110, 40, 150));

        DistributionSummary ratio = registry.get(TokenUsageRecorder.RATIO).tag("model", "gemini-2.5-flash").summary();
        assertThat(ratio.count()).isEqualTo(1);
        assertThat(ratio.totalAmount()).isCloseTo(1.1, within(1e-9));
        assertThat(registry.get(TokenUsageRecorder.ESTIMATED).tags("model", "gemini-2.5-flash", "kind", "input")
                .counter().count()).isEqualTo(100);
        assertThat(registry.get(TokenUsageRecorder.USED).tags("model", "gemini-2.5-flash", "kind", "input")
                .counter().count()).isEqualTo(110);
        assertThat(registry.get(TokenUsageRecorder.USED).tags("model", "gemini-2.5-flash", "kind", "output")
                .counter().count()).isEqualTo(40);
    }

    @Test
    void ratioUsesTheCalibratedEstimateButCalibrationLearnsFromTheRawOne() {
        TokenEstimate estimate = TokenEstimate.of(100, 0, 258, 2.0); // total 200
        recorder.record("m", estimate, new Usage(150, 0, 150));
        recorder.record("m", estimate, new Usage(150, 0, 150));
        assertThat(registry.get(TokenUsageRecorder.RATIO).tag("model", "m").summary().mean())
                .isCloseTo(0.75, within(1e-9));
        assertThat(calibration.factorFor("m")).hasValueSatisfying(f -> assertThat(f).isCloseTo(1.5, within(1e-9)));
    }

    @Test
    void readsModelAndEstimateFromTheExchange() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        exchange.getAttributes().put(GeminiExchangeAttributes.MODEL, "gemini-2.5-pro");
        exchange.getAttributes().put(TokenEstimate.EXCHANGE_ATTRIBUTE, TokenEstimate.of(50, 0, 258, 1.0));
        UsageListener listener = recorder;
        listener.onUsage(exchange, new Usage(60, 1, 61));
        assertThat(registry.get(TokenUsageRecorder.RATIO).tag("model", "gemini-2.5-pro").summary().totalAmount())
                .isCloseTo(1.2, within(1e-9));

        MockServerWebExchange untouched = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models"));
        recorder.record(untouched, new Usage(60, 1, 61));
        assertThat(registry.get(TokenUsageRecorder.RATIO).summaries()).hasSize(1);
    }

    @Test
    void onlyConfiguredOrCataloguedModelsGetTheirOwnTag() {
        assertThat(recorder.modelTag("AIzaSyA-not-a-real-key-0123456789abcdef")).isEqualTo("other");
        assertThat(recorder.modelTag("bad name with spaces")).isEqualTo("other");
        assertThat(recorder.modelTag(null)).isEqualTo("unknown");
        assertThat(recorder.modelTag("m")).isEqualTo("m");
        assertThat(recorder.modelTag("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        for (int i = 0; i < 1000; i++) {
            assertThat(recorder.modelTag("model-" + i)).isEqualTo("other");
        }
        recorder.record("model-1", 10, new Usage(10, 1, 11));
        recorder.record("model-2", 10, new Usage(10, 1, 11));
        assertThat(registry.get(TokenUsageRecorder.USED).tags("model", "other", "kind", "input").counter().count())
                .isEqualTo(20);
    }
}
