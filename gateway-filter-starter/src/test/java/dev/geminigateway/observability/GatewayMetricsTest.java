package dev.geminigateway.observability;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.outcome.OutcomeKind;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayMetricsTest {

    private final ApiKey a = new ApiKey("AIzaSyMetricsKeyAaaaaaaaaaaaaaaaaaaaaaaa", null, null, "g");
    private final ApiKey b = new ApiKey("AIzaSyMetricsKeyBbbbbbbbbbbbbbbbbbbbbbbb", null, null, "g");
    private final KeyRegistry keys = new KeyRegistry(List.of(new KeyGroup("g", List.of(a, b), java.util.Set.of())));

    @Test
    void tagsAttemptsWithTheFingerprintWhileThePoolIsSmall() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new GatewayMetrics(meters, keys, true, 2).attempt(OutcomeKind.SUCCESS, a.id());

        assertThat(meters.get(GatewayMetrics.ATTEMPTS).tag("key", a.id()).tag("outcome", "success").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void boundsTheKeyTagAboveTheLimitOrWhenTurnedOff() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new GatewayMetrics(meters, keys, true, 1).attempt(OutcomeKind.SERVER_ERROR, a.id());
        new GatewayMetrics(meters, keys, false, 200).attempt(OutcomeKind.SERVER_ERROR, b.id());

        assertThat(meters.get(GatewayMetrics.ATTEMPTS).tag("key", GatewayMetrics.OTHER_KEY).counter().count())
                .isEqualTo(2);
        assertThat(meters.find(GatewayMetrics.ATTEMPTS).tag("key", a.id()).counter()).isNull();
    }

    @Test
    void countsLocalRejectionsOnlyForTheGatewaysOwnAnswers() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(meters, keys, true, 200);
        metrics.requestCompleted("r", "native", 503, Duration.ofMillis(5), 0, true);
        metrics.requestCompleted("r", "native", 500, Duration.ofMillis(5), 1, false);

        assertThat(meters.get(GatewayMetrics.LOCAL_REJECTIONS).tag("status", "503").counter().count()).isEqualTo(1);
        assertThat(meters.find(GatewayMetrics.LOCAL_REJECTIONS).tag("status", "500").counter()).isNull();
        assertThat(meters.get(GatewayMetrics.REQUESTS).tag("status", "500").counter().count()).isEqualTo(1);
        assertThat(meters.get(GatewayMetrics.ATTEMPTS_PER_REQUEST).summary().count()).isEqualTo(1);
    }
}
