package dev.geminigateway.it;

import java.time.Duration;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import dev.geminigateway.token.TokenUsageRecorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real usage Gemini reports is recorded next to the gateway's estimate, for plain answers and for streams. */
class TokenUsageEndToEndTest extends GatewayIntegrationTest {

    @Autowired
    MeterRegistry meters;

    private long ratioCount(String model) {
        DistributionSummary summary = meters.find(TokenUsageRecorder.RATIO).tag("model", model).summary();
        return summary == null ? 0 : summary.count();
    }

    @Test
    void aPlainNativeAnswerRecordsTheRatio() {
        long before = ratioCount("gemini-2.5-flash");
        postNative("/v1beta/models/gemini-2.5-flash:generateContent").expectStatus().isOk();
        // The usage is read as the last bytes pass, which may be just after the client has them.
        await().atMost(Duration.ofSeconds(5)).until(() -> ratioCount("gemini-2.5-flash") == before + 1);
        assertThat(meters.find(TokenUsageRecorder.RATIO).tag("model", "gemini-2.5-flash").summary().max()).isPositive();
    }

    @Test
    void aStreamedOpenAiAnswerRecordsTheRatioFromItsLastUsage() {
        long before = ratioCount("gemini-2.0-flash");
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"gemini-2.0-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count me please\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).value(body -> assertThat(body).contains("[DONE]"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ratioCount("gemini-2.0-flash") == before + 1);
    }

    @Test
    void aNativeStreamRecordsTheRatio() {
        long before = ratioCount("gemini-2.5-pro");
        postNative("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse").expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("finishReason"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ratioCount("gemini-2.5-pro") == before + 1);
    }
}
