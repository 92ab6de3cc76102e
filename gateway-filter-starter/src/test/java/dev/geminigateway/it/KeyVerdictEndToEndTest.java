package dev.geminigateway.it;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import dev.geminigateway.health.SuspectKeyCheck;
import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.PermissionErrors;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole 4xx classification table, end to end: an answer about the request or a resource never changes a key
 * (however often it comes) and reaches Gemini once per request; key-level evidence takes the key out after one
 * call; an ambiguous 403 changes a key only when the key cannot even list models; and what reaches the client names
 * no project, consumer or key.
 */
class KeyVerdictEndToEndTest extends GatewayIntegrationTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String CHAT_BODY = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final List<String> POOL = List.of(A1, A2, B1, C1);
    private static final String PROJECT_NUMBER = "580640415319";
    private static final int REQUESTS = 100;
    private static final int CONCURRENCY = 8;

    @Autowired
    SuspectKeyCheck suspects;

    @BeforeEach
    void freshVerdicts() {
        suspects.forget();
    }

    private static Map<String, ApiError> requestLevelAnswers() {
        Map<String, ApiError> answers = new LinkedHashMap<>();
        answers.put("file of another project", PermissionErrors.fileDenied("abc123"));
        answers.put("cached content of another project", PermissionErrors.cachedContentDenied());
        answers.put("tuned model of another project", PermissionErrors.tunedModelDenied("mymodel"));
        answers.put("model not found", GeminiErrors.modelNotFound(MODEL, "v1beta", "generateContent"));
        answers.put("unknown field", GeminiErrors.unknownField("frequency_penalty"));
        // Ambiguous: every key still lists models (the fault only hits generation), so the probe clears them.
        answers.put("403 without a reason", PermissionErrors.permissionDenied());
        return answers;
    }

    private static Map<String, ApiError> keyLevelAnswers() {
        Map<String, ApiError> answers = new LinkedHashMap<>();
        answers.put("invalid", GeminiErrors.invalidKey());
        answers.put("leaked", GeminiErrors.leakedKey());
        answers.put("service blocked", PermissionErrors.apiKeyServiceBlocked(PROJECT_NUMBER, "GenerateContent"));
        answers.put("ip blocked", PermissionErrors.ipAddressBlocked(PROJECT_NUMBER, "203.0.113.7"));
        answers.put("referrer blocked", PermissionErrors.referrerBlocked(PROJECT_NUMBER));
        answers.put("suspended", PermissionErrors.consumerSuspended(PROJECT_NUMBER, B1));
        answers.put("service disabled", GeminiErrors.serviceDisabled(PROJECT_NUMBER));
        answers.put("billing disabled", PermissionErrors.billingDisabled(PROJECT_NUMBER));
        return answers;
    }

    @Test
    void requestLevelAnswersLeaveEveryKeyAsItWasAndReachGeminiOncePerRequest() {
        for (Map.Entry<String, ApiError> row : requestLevelAnswers().entrySet()) {
            cleanSlate();
            suspects.forget();
            ApiError answer = row.getValue();
            SIM.addFault(Fault.error(answer).forModel(MODEL));
            long generateCalls = SIM.counters().forModel(MODEL);
            assertThat(sendConcurrently(REQUESTS)).as(row.getKey()).hasSize(REQUESTS)
                    .containsOnly(answer.httpStatus());
            assertThat(SIM.counters().forModel(MODEL) - generateCalls).as(row.getKey()).isEqualTo(REQUESTS);
            for (String key : POOL) {
                // Joins any probe still in flight, so its verdict has been acted on before the state is read.
                registry.key(id(key)).ifPresent(k -> suspects.refused(k).block());
                assertThat(store.state(id(key))).as("%s: key %s", row.getKey(), id(key))
                        .isInstanceOf(KeyState.Active.class);
                assertThat(store.consecutiveFailures(id(key))).as(row.getKey()).isZero();
            }
            assertThat(store.cooldowns(java.time.Instant.now())).as(row.getKey()).isEmpty();
            long probes = SIM.recordedRequests().stream().filter(r -> r.path().endsWith("/models")).count();
            assertThat(probes).as("%s: at most one probe per key", row.getKey()).isLessThanOrEqualTo(POOL.size());
        }
    }

    /** Statuses of {@code count} native requests sent a few at a time on one client (the verdicts must not care). */
    private List<Integer> sendConcurrently(int count) {
        WebClient web = WebClient.create("http://127.0.0.1:" + port);
        return Flux.range(0, count)
                .flatMap(i -> web.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE_BODY)
                        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())),
                        CONCURRENCY)
                .collectList().block(Duration.ofSeconds(60));
    }

    @Test
    void keyLevelAnswersTakeTheKeyOutAfterOneUpstreamCall() {
        for (Map.Entry<String, ApiError> row : keyLevelAnswers().entrySet()) {
            cleanSlate();
            SIM.addFault(Fault.error(row.getValue()).forKey(B1));
            for (int i = 0; i < 8 && SIM.counters().forKey(B1) == 0; i++) {
                postNative(GENERATE).expectStatus().isOk();
            }
            assertThat(store.state(id(B1))).as(row.getKey()).isInstanceOf(KeyState.Quarantined.class);
            for (int i = 0; i < 4; i++) {
                postNative(GENERATE).expectStatus().isOk();
            }
            assertThat(SIM.counters().forKey(B1)).as(row.getKey()).isEqualTo(1);
            for (String other : List.of(A1, A2, C1)) {
                assertThat(store.state(id(other))).as(row.getKey()).isInstanceOf(KeyState.Active.class);
            }
        }
    }

    @Test
    void anAmbiguous403FromAKeyThatCannotListModelsIsConfirmedByOneProbe() {
        // C1 is refused everything, its models listing included.
        SIM.addFault(Fault.error(PermissionErrors.permissionDenied()).forKey(C1));
        int status = 0;
        for (int i = 0; i < 8 && SIM.counters().forKey(C1) == 0; i++) {
            status = client.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE_BODY)
                    .exchange().returnResult(byte[].class).getStatus().value();
        }
        // Not retried on the other keys: the request that met C1 got its answer.
        assertThat(status).isEqualTo(403);
        assertThat(registry.key(id(C1)).map(k -> suspects.refused(k).block())).contains(true);
        // the recorder quarantines when the probe's verdict reaches it, which may be just after it reached us
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(store.state(id(C1))).isInstanceOf(KeyState.Quarantined.class));
        long c1Probes = SIM.recordedRequests().stream()
                .filter(r -> r.path().endsWith("/models") && C1.equals(r.apiKey())).count();
        assertThat(c1Probes).isEqualTo(1);
        for (String other : List.of(A1, A2, B1)) {
            assertThat(store.state(id(other))).isInstanceOf(KeyState.Active.class);
        }
    }

    @Test
    void upstreamErrorsReachTheClientWithoutProjectConsumerOrKey() {
        SIM.addFault(Fault.error(GeminiErrors.serviceDisabled(PROJECT_NUMBER)).forModel(MODEL));
        String nativeBody = postNative(GENERATE).expectStatus().isForbidden().expectBody(String.class)
                .returnResult().getResponseBody();
        assertThat(nativeBody).contains("SERVICE_DISABLED").doesNotContain(PROJECT_NUMBER).doesNotContain("consumer");

        cleanSlate();
        for (String key : POOL) {
            SIM.addFault(Fault.error(PermissionErrors.consumerSuspended(PROJECT_NUMBER, key)).forKey(key).forModel(MODEL));
        }
        String openAiBody = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT_BODY).exchange().expectStatus().isForbidden().expectBody(String.class)
                .returnResult().getResponseBody();
        assertThat(openAiBody).startsWith("{\"error\"").contains("has been suspended").doesNotContain(PROJECT_NUMBER)
                .doesNotContain("containerInfo");
        for (String key : ALL_KEYS) {
            assertThat(openAiBody).doesNotContain(key);
        }
    }
}
