package dev.geminigateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and the YAML configuration. */
class SimulatorMainTest {

    @Test
    void parsesOptions() throws IOException {
        SimulatorConfig config = SimulatorMain.parse("--port", "18090", "--time-scale=60", "--host", "127.0.0.1");

        assertThat(config.port()).isEqualTo(18090);
        assertThat(config.timeScale()).isEqualTo(60.0);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(SimulatorMain.parse().port()).isEqualTo(8089);
        assertThat(SimulatorMain.parse().host()).isEqualTo("0.0.0.0");
        assertThat(SimulatorMain.parse("--help")).isNull();
        assertThatThrownBy(() -> SimulatorMain.parse("--bogus", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatorMain.parse("--port")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadsTheExampleFile() throws IOException {
        SimulatorConfig config = SimulatorConfig.load(Path.of("sim.example.yml"));

        assertThat(config.keys()).isNotEmpty();
        assertThat(config.keys()).anySatisfy(k -> assertThat(k.status()).isEqualTo(KeyStatus.LEAKED));
        assertThat(config.quotas()).anySatisfy(q -> assertThat(q.quota()).isEqualTo(Quota.unavailable()));
        assertThat(config.streamChunks()).isPositive();
    }

    @Test
    void mainStartsFromAConfigFileAndServes(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path file = dir.resolve("sim.yml");
        Files.writeString(file, """
                host: 127.0.0.1
                timeScale: 60
                clock: 2026-06-01T12:00:00Z
                streaming: { chunks: 2, intervalMs: 0 }
                keys:
                  - { key: yaml-key, project: yaml-project }
                  - { key: yaml-leaked, project: yaml-project, status: leaked }
                quotas:
                  - { project: yaml-project, model: "*", rpm: 1 }
                """);
        Thread main = new Thread(() -> {
            try {
                SimulatorMain.main(new String[] {"--config", file.toString(), "--port", Integer.toString(port)});
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "simulator-main-under-test");
        main.setDaemon(true);
        main.start();
        SimHttp http = new SimHttp("http://127.0.0.1:" + port);
        // Until the server listens, the call fails to connect: ignored and asked again.
        HttpResponse<String> health = Awaitility.await("the simulator started by main answers")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> http.get("/__sim/health"), response -> response != null);

        assertThat(health.statusCode()).isEqualTo(200);
        Instant now = Instant.parse(SimHttp.json(http.get("/__sim/clock")).get("now").asString());
        assertThat(now).isBetween(Instant.parse("2026-06-01T12:00:00Z"), Instant.parse("2026-06-01T13:00:00Z"));
        String generate = "/v1beta/models/gemini-2.5-flash:generateContent";
        assertThat(http.post(generate, SimHttp.generateBody("x"), "x-goog-api-key", "yaml-key").statusCode())
                .isEqualTo(200);
        assertThat(http.post(generate, SimHttp.generateBody("x"), "x-goog-api-key", "yaml-key").statusCode())
                .isEqualTo(429);
        assertThat(http.post(generate, SimHttp.generateBody("x"), "x-goog-api-key", "yaml-leaked").statusCode())
                .isEqualTo(403);
        assertThat(SimulatorConfig.load(file).streamInterval()).isEqualTo(Duration.ZERO);
    }
}
