package dev.geminigateway.it;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.health.KeyProber;
import dev.geminigateway.outcome.PacificDay;
import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.QuotaShapes;
import dev.geminigateway.simulator.wire.QuotaShapes.Limit;
import dev.geminigateway.simulator.wire.QuotaShapes.Tier;
import dev.geminigateway.simulator.wire.QuotaShapes.Violation;
import dev.geminigateway.simulator.wire.RequestErrors;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.token.TokenUsageRecorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The answers of real Gemini that the classification table (ARCHITECTURE.md §4) must judge beyond the common ones,
 * end to end through the simulator: what happens to the key, the project and the client. Trouble goes to key B1
 * (project pb) or project pb; the pool is A1, A2 (pa), B1, C1 (pc).
 */
class WireCasesEndToEndTest extends GatewayIntegrationTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    KeyProber prober;

    @Autowired
    MeterRegistry meters;

    /** Sends until one request reaches B1 first; returns that request's client status. */
    private int firstRequestThroughB1(String uri, String body) {
        for (int i = 0; i < 8; i++) {
            long before = SIM.counters().forKey(B1);
            int status = client.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().returnResult(byte[].class).getStatus().value();
            if (SIM.counters().forKey(B1) > before) {
                return status;
            }
        }
        throw new AssertionError("round robin never reached B1");
    }

    private Instant pbCooldown(String model) {
        return store.cooldown("pb", model, Instant.now()).orElseThrow().until();
    }

    @Test
    void aDayQuotaIsADayWhateverTheTierAndHoweverShortItsRetryDelay() {
        for (Tier tier : Tier.values()) {
            cleanSlate();
            // no quotaValue, a 5 s retryDelay: only the quota id says "day"
            SIM.addFault(Fault.error(QuotaShapes.quota(List.of(new Violation(Limit.REQUESTS_PER_DAY, tier, false, null)),
                    MODEL, Duration.ofSeconds(5))).forKey(B1).times(1));
            assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).as(tier.name()).isEqualTo(200);
            assertThat(pbCooldown(MODEL)).as(tier.name()).isEqualTo(PacificDay.nextMidnight(Instant.now()));
            assertThat(store.state(id(B1))).isInstanceOf(KeyState.Active.class);
        }
    }

    @Test
    void minuteTokenAndEmbeddingQuotasCoolForTheirRetryDelayAndSeveralViolationsPickTheLongest() {
        SIM.addFault(Fault.error(QuotaShapes.quota(List.of(new Violation(Limit.INPUT_TOKENS_PER_MINUTE, Tier.TIER2,
                false, "2000000"), new Violation(Limit.REQUESTS_PER_MINUTE, Tier.TIER2, false, null)), MODEL,
                Duration.ofSeconds(20))).forKey(B1).times(1));
        Instant sent = Instant.now();
        assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).isEqualTo(200);
        Instant answered = Instant.now();
        // measured from the request, not from this line: a slow machine may get here seconds later
        assertThat(pbCooldown(MODEL)).isBetween(sent.plusSeconds(15), answered.plusSeconds(21));

        cleanSlate();
        String embedding = "gemini-embedding-001";
        SIM.addFault(Fault.error(QuotaShapes.quota(List.of(new Violation(Limit.REQUESTS_PER_MINUTE, Tier.FREE, true,
                "100"), new Violation(Limit.REQUESTS_PER_DAY, Tier.FREE, true, "1000")), embedding,
                Duration.ofSeconds(30))).forKey(B1).times(1));
        assertThat(firstRequestThroughB1("/v1beta/models/" + embedding + ":embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"vector me\"}]}}")).isEqualTo(200);
        assertThat(pbCooldown(embedding)).isEqualTo(PacificDay.nextMidnight(Instant.now()));
        assertThat(store.cooldown("pb", MODEL, Instant.now())).isEmpty();
    }

    @Test
    void aLimitOfZeroAmongDuplicatedViolationsMarksTheModelUnavailable() {
        SIM.addFault(Fault.error(QuotaShapes.notOnTier(MODEL, Tier.FREE)).forKey(B1).times(1));
        assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).isEqualTo(200);
        assertThat(pbCooldown(MODEL)).isAfter(Instant.now().plus(Duration.ofHours(5)));
    }

    @Test
    void quotaWithoutDetailsRestsTheProjectForTheModelNotTheKey() {
        SIM.addFault(Fault.error(QuotaShapes.exceededWithoutDetails()).forKey(B1).times(1));
        Instant sent = Instant.now();
        assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).isEqualTo(200);
        Instant answered = Instant.now();
        assertThat(pbCooldown(MODEL)).isBetween(sent.plusSeconds(50), answered.plusSeconds(61));
        assertThat(store.cooldown("pb", "gemini-2.0-flash", Instant.now())).isEmpty();
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Active.class);
    }

    @Test
    void depletedPrepaidCreditsRestTheWholeProjectForAnHourWithoutQuarantine() {
        SIM.addFault(Fault.error(QuotaShapes.prepaidCreditsDepleted()).forProject("pb"));
        assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).isEqualTo(200);
        for (String model : List.of(MODEL, "gemini-2.0-flash", "gemini-embedding-001")) {
            assertThat(pbCooldown(model)).as(model).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
        }
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Active.class);
        long pbCalls = SIM.counters().forProject("pb");
        for (int i = 0; i < 6; i++) {
            postNative("/v1beta/models/gemini-2.0-flash:generateContent").expectStatus().isOk();
        }
        assertThat(SIM.counters().forProject("pb")).isEqualTo(pbCalls);
    }

    @Test
    void aSuspendedKeyIsQuarantinedAndTheClientIsServedByAnother() {
        SIM.addKey(B1, "pb", KeyStatus.SUSPENDED);
        assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).isEqualTo(200);
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Quarantined.class);
        for (String other : List.of(A1, A2, C1)) {
            assertThat(store.state(id(other))).isInstanceOf(KeyState.Active.class);
        }
    }

    @Test
    void aKeyBlockedForGenerationStaysOutUntilAnOperatorResetsItThoughItStillListsModels() {
        SIM.addKey(B1, "pb", KeyStatus.GENERATION_BLOCKED);
        assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).isEqualTo(200);
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Quarantined.class);
        // the key does list models: a listing probe would let it flap back, so none is sent
        client.get().uri("/v1beta/models").header("x-goog-api-key", B1).exchange();
        int requests = SIM.recordedRequests().size();
        assertThat(prober.probeQuarantined().block()).isZero();
        assertThat(SIM.recordedRequests()).hasSize(requests);
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Quarantined.class);
        for (int i = 0; i < 4; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        assertThat(SIM.counters().forKey(B1)).isEqualTo(1);
        // an operator who fixed the key's restrictions puts it back
        SIM.addKey(B1, "pb");
        store.setOperatorState(id(B1), KeyState.Active.INSTANCE);
        assertThat(firstRequestThroughB1(GENERATE, NATIVE_BODY)).isEqualTo(200);
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Active.class);
    }

    @Test
    void anUnsupportedLocationIsReturnedAsIsAndBlamesNoKey() {
        SIM.addFault(Fault.error(RequestErrors.locationNotSupported()));
        long before = SIM.counters().total();
        postNative(GENERATE).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.status").isEqualTo("FAILED_PRECONDITION");
        String openAi = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(openAi).startsWith("{\"error\"").contains("User location is not supported");
        assertThat(SIM.counters().total() - before).isEqualTo(2);
        for (String key : List.of(A1, A2, B1, C1)) {
            assertThat(store.state(id(key))).isInstanceOf(KeyState.Active.class);
            assertThat(store.consecutiveFailures(id(key))).isZero();
        }
        assertThat(store.cooldowns(Instant.now())).isEmpty();
    }

    @Test
    void requestLevel400sComeFromTheRequestAndAreTriedOnOneKeyOnly() {
        SIM.setInputTokenLimit(MODEL, 2); // the body holds 12 characters: 3 tokens
        assertOneCall400(GENERATE, NATIVE_BODY, "The input token count (");
        assertOneCall400(GENERATE, "{\"cachedContent\":\"cachedContents/any\",\"systemInstruction\":{\"parts\":"
                + "[{\"text\":\"be brief\"}]},\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}", "using cached content");
        StringBuilder batch = new StringBuilder("{\"requests\":[");
        for (int i = 0; i <= RequestErrors.MAX_BATCH_EMBED_REQUESTS; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":"
                    + "[{\"text\":\"t").append(i).append("\"}]}}");
        }
        assertOneCall400("/v1beta/models/gemini-embedding-001:batchEmbedContents", batch.append("]}").toString(),
                "at most 100 requests");
        assertOneCall400("/v1beta/models/" + MODEL + ":countTokens",
                "{\"generateContentRequest\":{\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}}", "model is required");
        for (String key : List.of(A1, A2, B1, C1)) {
            assertThat(store.state(id(key))).isInstanceOf(KeyState.Active.class);
        }
    }

    private void assertOneCall400(String uri, String body, String messagePart) {
        long before = SIM.counters().total();
        client.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest().expectBody(String.class)
                .value(text -> assertThat(text).contains(messagePart));
        assertThat(SIM.counters().total() - before).as(uri).isEqualTo(1);
    }

    @Test
    void bothRealServiceUnavailableAnswersAreRetriedOnAnotherKey() {
        for (ApiError unavailable : List.of(GeminiErrors.serverError(503), GeminiErrors.serviceUnavailable())) {
            SIM.addFault(Fault.error(unavailable).times(1));
            long before = SIM.counters().total();
            postNative(GENERATE).expectStatus().isOk();
            assertThat(SIM.counters().total() - before).isEqualTo(2);
        }
    }

    private double used(String model, String kind) {
        Counter counter = meters.find(TokenUsageRecorder.USED).tag("model", model).tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void thinkingAndCachedTokensAreCountedAsGeminiBillsThem() throws Exception {
        JsonNode cache = JSON.readTree(client.post().uri("/v1beta/cachedContents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"models/" + MODEL + "\",\"ttl\":\"600s\",\"contents\":[{\"role\":\"user\","
                        + "\"parts\":[{\"text\":\"a long shared context that the cache holds for later questions\"}]}]}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        double input = used(MODEL, "input");
        double output = used(MODEL, "output");
        double cached = used(MODEL, "cached");
        String body = "{\"cachedContent\":\"" + cache.path("name").asString() + "\",\"contents\":[{\"parts\":[{\"text\":"
                + "\"question\"}]}],\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":32}}}";
        JsonNode usage = JSON.readTree(client.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody()).path("usageMetadata");
        assertThat(usage.path("thoughtsTokenCount").asLong()).isEqualTo(32);
        assertThat(usage.path("cachedContentTokenCount").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(5)).until(() -> used(MODEL, "output") > output);
        assertThat(used(MODEL, "input") - input).isEqualTo(usage.path("promptTokenCount").asDouble());
        assertThat(used(MODEL, "cached") - cached).isEqualTo(usage.path("cachedContentTokenCount").asDouble());
        assertThat(used(MODEL, "output") - output).isEqualTo(
                usage.path("candidatesTokenCount").asDouble() + usage.path("thoughtsTokenCount").asDouble());
    }

    @Test
    void anAnswerWithOnlyThoughtsCountsThemAsOutput() throws Exception {
        double output = used(MODEL, "output");
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"think hard\"}]}],\"generationConfig\":"
                + "{\"maxOutputTokens\":8,\"thinkingConfig\":{\"thinkingBudget\":-1}}}";
        JsonNode answer = JSON.readTree(client.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(answer.at("/candidates/0/finishReason").asString()).isEqualTo("MAX_TOKENS");
        assertThat(answer.at("/candidates/0/content/parts").isMissingNode()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> used(MODEL, "output") > output);
        assertThat(used(MODEL, "output") - output).isEqualTo(8);
    }

    @Test
    void openAiUsageInEveryChunkIsCountedOnceFromTheLast() {
        String model = "gemini-2.0-flash";
        SIM.addFault(Fault.usageInEveryChunk());
        SIM.setStreaming(5, Duration.ofMillis(5));
        double output = used(model, "output");
        String stream = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"count me once\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        List<JsonNode> usages = stream.lines().filter(l -> l.startsWith("data: {"))
                .map(l -> JSON.readTree(l.substring(6)).path("usage")).filter(JsonNode::isObject).toList();
        assertThat(usages).hasSizeGreaterThan(1);
        double last = usages.get(usages.size() - 1).path("completion_tokens").asDouble();
        await().atMost(Duration.ofSeconds(5)).until(() -> used(model, "output") > output);
        assertThat(used(model, "output") - output).isCloseTo(last, within(0.001));
    }

    @Test
    void aBlockedPromptOrAnotherFinishReasonIsAnAnswerNotAFailure() {
        SIM.addFault(Fault.blockedPrompt("PROHIBITED_CONTENT").times(1));
        long before = SIM.counters().total();
        postNative(GENERATE).expectStatus().isOk().expectBody()
                .jsonPath("$.promptFeedback.blockReason").isEqualTo("PROHIBITED_CONTENT")
                .jsonPath("$.candidates").doesNotExist();
        SIM.addFault(Fault.finishReason("SAFETY").times(1));
        postNative(GENERATE).expectStatus().isOk().expectBody()
                .jsonPath("$.candidates[0].finishReason").isEqualTo("SAFETY");
        assertThat(SIM.counters().total() - before).isEqualTo(2);
        for (String key : List.of(A1, A2, B1, C1)) {
            assertThat(store.state(id(key))).isInstanceOf(KeyState.Active.class);
        }
    }
}
