package dev.geminigateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class OpenStreamsTest {

    private static String state(OpenStreams streams) {
        return streams.closing().then(Mono.just("closing")).timeout(Duration.ofMillis(300), Mono.just("open")).block();
    }

    @Test
    void aStopEndsOpenStreamsButARestartDoesNotEndTheNextOnes() {
        OpenStreams streams = new OpenStreams(Duration.ZERO, Duration.ZERO);
        streams.start();
        assertThat(state(streams)).isEqualTo("open");

        streams.stop();
        assertThat(streams.closing().then(Mono.just("closing")).block(Duration.ofSeconds(10))).isEqualTo("closing");

        streams.start();
        assertThat(streams.isRunning()).isTrue();
        assertThat(state(streams)).as("a stream opened after the restart is not cut").isEqualTo("open");
    }
}
