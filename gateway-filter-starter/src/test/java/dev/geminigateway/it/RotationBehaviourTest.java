package dev.geminigateway.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.simulator.RecordedRequest;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;

/** How a request walks the pool: spreading, replayed bodies, credentials, groups, streams, and giving up. */
@ExtendWith(OutputCaptureExtension.class)
class RotationBehaviourTest extends GatewayIntegrationTest {

    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String CHAT_BODY = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void roundRobinSpreadsLoadOverEveryKeyOfTheGroup() {
        for (int i = 0; i < 40; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        for (String key : List.of(A1, A2, B1, C1)) {
            assertThat(SIM.counters().forKey(key)).as("requests on %s", id(key)).isBetween(5L, 15L);
        }
        assertThat(SIM.counters().forKey(P1)).isZero();
    }

    @Test
    void theRequestModelPicksTheGroup() {
        for (int i = 0; i < 3; i++) {
            client.post().uri("/v1beta/models/gemini-2.5-pro:generateContent").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(NATIVE_BODY).exchange().expectStatus().isOk();
            client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(CHAT_BODY.replace("gemini-2.5-flash", "models/gemini-2.5-pro")).exchange()
                    .expectStatus().isOk();
        }
        assertThat(SIM.counters().forKey(P1)).isEqualTo(6);
    }

    @Test
    void everyAttemptCarriesTheSameBodyBytes() {
        SIM.addFault(Fault.status(503).times(2));
        postNative(GENERATE).expectStatus().isOk();
        List<RecordedRequest> attempts = SIM.recordedRequests();
        assertThat(attempts).hasSize(3);
        for (RecordedRequest attempt : attempts) {
            assertThat(attempt.body()).isEqualTo(NATIVE_BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(attempts.stream().map(RecordedRequest::apiKey).distinct()).hasSize(3);
    }

    @Test
    void clientCredentialsNeverReachGemini() {
        client.post().uri(GENERATE + "?key=client-query-secret&alt=json").contentType(MediaType.APPLICATION_JSON)
                .header("x-goog-api-key", "client-header-secret").header("Authorization", "Bearer client-bearer-secret")
                .bodyValue(NATIVE_BODY).exchange().expectStatus().isOk();
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header("Authorization", "Bearer client-bearer-secret").bodyValue(CHAT_BODY).exchange()
                .expectStatus().isOk();
        List<RecordedRequest> seen = SIM.recordedRequests();
        assertThat(seen).hasSize(2);
        for (RecordedRequest request : seen) {
            assertThat(ALL_KEYS).contains(request.apiKey());
            assertThat(request.headers().toString() + request.query()).doesNotContain("-secret");
        }
        RecordedRequest nativeCall = seen.get(0);
        assertThat(nativeCall.header("authorization")).isNull();
        assertThat(nativeCall.query()).contains("alt=json").doesNotContain("key=");
        RecordedRequest openAiCall = seen.get(1);
        assertThat(openAiCall.path()).isEqualTo("/v1beta/openai/chat/completions");
        assertThat(openAiCall.header("x-goog-api-key")).isNull();
        assertThat(openAiCall.header("authorization")).startsWith("Bearer AIza");
    }

    @Test
    void whenEveryProjectIsOverQuotaTheClientGets429WithRetryAfter() {
        for (String project : List.of("pa", "pb", "pc")) {
            SIM.setQuota(project, "gemini-2.5-flash", new Quota(1, 1_000_000, 1000));
        }
        for (int i = 0; i < 3; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        long before = SIM.counters().total();
        postNative(GENERATE).expectStatus().isEqualTo(429)
                .expectHeader().value("Retry-After", value -> assertThat(Long.parseLong(value)).isBetween(1L, 62L))
                .expectBody().jsonPath("$.error.status").isEqualTo("RESOURCE_EXHAUSTED");
        // One more attempt at most reached Gemini; after that the gateway answered from its own state.
        assertThat(SIM.counters().total() - before).isLessThanOrEqualTo(3);
        long quiet = SIM.counters().total();
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT_BODY)
                .exchange().expectStatus().isEqualTo(429).expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.error.type").isEqualTo("rate_limit_error");
        assertThat(SIM.counters().total()).isEqualTo(quiet);
    }

    @Test
    void whenEveryKeyIsQuarantinedTheClientGets503(CapturedOutput output) {
        SIM.reset();
        SIM.addKey(A1, "pa", KeyStatus.INVALID).addKey(A2, "pa", KeyStatus.LEAKED)
                .addKey(B1, "pb", KeyStatus.SERVICE_DISABLED).addKey(C1, "pc", KeyStatus.INVALID);
        // The client gets the last key's own answer: which key that is depends on where the group's round-robin
        // stands after the other tests, so the expected status follows the key the simulator saw last.
        int status = postNative(GENERATE).returnResult(byte[].class).getStatus().value();
        List<RecordedRequest> attempts = SIM.recordedRequests().stream()
                .filter(request -> request.path().endsWith(":generateContent")).toList();
        assertThat(attempts).extracting(RecordedRequest::apiKey).containsExactlyInAnyOrder(A1, A2, B1, C1);
        String last = attempts.get(attempts.size() - 1).apiKey();
        assertThat(status).as("answer of the last key tried").isEqualTo(List.of(A1, C1).contains(last) ? 400 : 403);
        postNative(GENERATE).expectStatus().isEqualTo(503)
                .expectBody(String.class).value(body -> assertThat(body).contains("quarantined"));
        for (String key : List.of(A1, A2, B1, C1)) {
            assertThat(store.state(id(key))).isInstanceOf(KeyState.Quarantined.class);
            assertThat(output.getAll()).doesNotContain(key);
        }
        assertThat(output.getAll()).contains(id(A1));
    }

    @Test
    void openAiSurfaceErrorsAreUnwrappedForOpenAiSdks() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT_BODY.replace("\"messages\"", "\"frequency_penalty\":1,\"messages\"")).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("frequency_penalty"));
    }

    @Test
    void nativeStreamReachesTheClientEventByEvent() throws Exception {
        URI streamUri = URI.create("http://127.0.0.1:" + port
                + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        HttpClient http = HttpClient.newHttpClient();
        // The simulator holds its second event back for a minute: the first reaches the client well before that only
        // if the gateway passes each event on as it comes (a buffered answer would arrive whole, a minute later).
        SIM.setStreaming(2, Duration.ofMinutes(1));
        HttpResponse<Stream<String>> held = http.sendAsync(streamRequest(streamUri), HttpResponse.BodyHandlers.ofLines())
                .get(20, TimeUnit.SECONDS);
        try (Stream<String> lines = held.body()) {
            assertThat(held.statusCode()).isEqualTo(200);
            String first = CompletableFuture.supplyAsync(() -> lines.filter(line -> line.startsWith("data:"))
                    .findFirst().orElse(null)).get(20, TimeUnit.SECONDS);
            assertThat(first).as("first event, while the simulator holds the next").contains("\"text\"")
                    .doesNotContain("finishReason");
        }

        // Every event of a stream arrives, the last one with the finish reason.
        SIM.setStreaming(5, Duration.ofMillis(10));
        HttpResponse<Stream<String>> response = http.send(streamRequest(streamUri), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = response.body().filter(line -> line.startsWith("data:")).toList();
        assertThat(events).hasSize(5);
        assertThat(events.get(4)).contains("finishReason");
    }

    private static HttpRequest streamRequest(URI uri) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(NATIVE_BODY)).build();
    }

    @Test
    void aStreamIsRetriedOnAnotherKeyBeforeItsFirstByte() {
        SIM.addFault(Fault.status(429).times(1));
        SIM.addFault(Fault.bare429().times(1));
        String body = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT_BODY.replace("\"messages\"", "\"stream\":true,\"messages\"")).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("chat.completion.chunk").contains("data: [DONE]");
        assertThat(SIM.recordedRequests()).hasSize(3);
    }

    @Test
    void aNativeStreamThatFailsAfterItsStartEndsWithAnErrorEvent() {
        SIM.addFault(Fault.midStreamError(2).times(1));
        String body = client.post().uri("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE_BODY).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        String[] events = body.split("\r\n\r\n");
        assertThat(events).hasSize(3);
        assertThat(events[2]).startsWith("data: {").contains("\"error\"");
        assertThat(SIM.recordedRequests()).hasSize(1);
    }

    @Test
    void anOpenAiStreamThatBreaksOffEndsWithAnErrorEventAndNoDone() {
        SIM.addFault(Fault.midStreamError(2).times(1));
        String body = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT_BODY.replace("\"messages\"", "\"stream\":true,\"messages\"")).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("\"error\"").doesNotContain("[DONE]");
        assertThat(body.strip()).endsWith("}");
    }
}
