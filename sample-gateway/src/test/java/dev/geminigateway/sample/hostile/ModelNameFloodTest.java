package dev.geminigateway.sample.hostile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.sample.SampleGatewayApplication;
import dev.geminigateway.sample.demo.DemoUpstreamInitializer;
import dev.geminigateway.sample.demo.DemoWelcome;
import dev.geminigateway.simulator.GeminiSimulator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hundreds of requests, each naming a different 1 MB model, through the demo gateway's full chain: each is refused
 * with the OpenAI surface's 400 before Gemini is called, no log line carries more than 200 characters of a name,
 * and the gateway serves normally afterwards. Shares {@link HostileInputTest}'s context (same settings).
 */
@SpringBootTest(classes = SampleGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "gemini.gateway.client-auth.rate-limit.requests-per-minute=100000")
@ActiveProfiles(DemoUpstreamInitializer.PROFILE)
@ExtendWith(OutputCaptureExtension.class)
class ModelNameFloodTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int NAME_BYTES = 1024 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier(DemoUpstreamInitializer.SIMULATOR_BEAN)
    GeminiSimulator simulator;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void distinctMegabyteModelNamesAreRefusedBeforeGeminiAndNeverLoggedWhole(CapturedOutput output) throws Exception {
        long upstreamBefore = simulator.counters().total();
        byte[] body = new byte[NAME_BYTES + 64];
        for (int i = 0; i < 300; i++) {
            int length = fill(body, i);
            HttpResponse<String> response = http.send(chat(Arrays.copyOf(body, length)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asString()).startsWith("Invalid model name");
        }
        assertThat(simulator.counters().total()).isEqualTo(upstreamBefore);
        assertThat(output.getAll()).doesNotContain("m".repeat(201));

        HttpResponse<String> ok = http.send(chat(("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}").getBytes()), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    /** A chat body whose model is about 1 MB of "m" made distinct by a counter; returns its length. */
    private static int fill(byte[] body, int n) {
        byte[] head = ("{\"model\":\"" + n + "-").getBytes();
        System.arraycopy(head, 0, body, 0, head.length);
        Arrays.fill(body, head.length, head.length + NAME_BYTES, (byte) 'm');
        byte[] tail = "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes();
        System.arraycopy(tail, 0, body, head.length + NAME_BYTES, tail.length);
        return head.length + NAME_BYTES + tail.length;
    }

    private HttpRequest chat(byte[] body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + DemoWelcome.CLIENT_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }
}
