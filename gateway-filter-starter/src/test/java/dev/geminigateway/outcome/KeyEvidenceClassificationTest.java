package dev.geminigateway.outcome;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.PermissionErrors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every 4xx Gemini sends about keys, projects and resources (the simulator's verbatim bodies), on both surfaces:
 * only key-level evidence may quarantine; a resource answer is the request's; a bare 403 is only a suspicion.
 */
class KeyEvidenceClassificationTest {

    private static final String PROJECT = "177838813423";
    private static final String KEY = "AIzaSyTestKeySuspendedxxxxxxxxxxxxxxxxxx";

    private final GeminiErrorClassifier classifier = new GeminiErrorClassifier(JsonMapper.builder().build(),
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("invalid key", GeminiErrors.invalidKey(), OutcomeKind.KEY_INVALID),
                Arguments.of("leaked", GeminiErrors.leakedKey(), OutcomeKind.KEY_FORBIDDEN),
                Arguments.of("service blocked", PermissionErrors.apiKeyServiceBlocked(PROJECT, "GenerateContent"),
                        OutcomeKind.KEY_FORBIDDEN),
                Arguments.of("ip blocked", PermissionErrors.ipAddressBlocked(PROJECT, "203.0.113.7"),
                        OutcomeKind.KEY_FORBIDDEN),
                Arguments.of("referrer blocked", PermissionErrors.referrerBlocked(PROJECT), OutcomeKind.KEY_FORBIDDEN),
                Arguments.of("suspended", PermissionErrors.consumerSuspended(PROJECT, KEY), OutcomeKind.KEY_FORBIDDEN),
                Arguments.of("service disabled", GeminiErrors.serviceDisabled(PROJECT), OutcomeKind.PROJECT_DISABLED),
                Arguments.of("billing disabled", PermissionErrors.billingDisabled(PROJECT), OutcomeKind.PROJECT_DISABLED),
                Arguments.of("file", PermissionErrors.fileDenied("abc123"), OutcomeKind.RESOURCE_DENIED),
                Arguments.of("cached content", PermissionErrors.cachedContentDenied(), OutcomeKind.RESOURCE_DENIED),
                Arguments.of("tuned model", PermissionErrors.tunedModelDenied("mymodel"), OutcomeKind.RESOURCE_DENIED),
                Arguments.of("model not found", GeminiErrors.modelNotFound("no-such-model", "v1beta", "generateContent"),
                        OutcomeKind.CLIENT_ERROR),
                Arguments.of("unknown field", GeminiErrors.unknownField("frequency_penalty"), OutcomeKind.CLIENT_ERROR),
                Arguments.of("bare 403", PermissionErrors.permissionDenied(), OutcomeKind.KEY_SUSPECT),
                Arguments.of("no credential", GeminiErrors.missingKey(), OutcomeKind.KEY_SUSPECT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void nativeBody(String name, ApiError answer, OutcomeKind expected) {
        assertThat(classifier.classify(answer.httpStatus(), Json.compact(answer.body())).kind()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void openAiSurfaceList(String name, ApiError answer, OutcomeKind expected) {
        assertThat(classifier.classify(answer.httpStatus(), Json.compact(answer.openAiBody())).kind())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void onlyKeyLevelEvidenceQuarantinesAndNothingElseIsRetriedOnAnotherKey(String name, ApiError answer,
            OutcomeKind expected) {
        OutcomeKind kind = classifier.classify(answer.httpStatus(), Json.compact(answer.body())).kind();
        boolean keyLevel = expected == OutcomeKind.KEY_INVALID || expected == OutcomeKind.KEY_FORBIDDEN
                || expected == OutcomeKind.PROJECT_DISABLED;
        assertThat(kind.quarantines()).isEqualTo(keyLevel);
        assertThat(kind.retryable()).isEqualTo(keyLevel);
        assertThat(kind.confirmsByProbe()).isEqualTo(expected == OutcomeKind.KEY_SUSPECT);
    }

    /** The compat surface and older answers may drop details: then the message decides, or a probe does. */
    @Test
    void withoutDetailsTheMessageDecidesOrAProbeDoes() {
        assertThat(withoutDetails(GeminiErrors.leakedKey())).isEqualTo(OutcomeKind.KEY_FORBIDDEN);
        assertThat(withoutDetails(PermissionErrors.consumerSuspended(PROJECT, KEY))).isEqualTo(OutcomeKind.KEY_FORBIDDEN);
        assertThat(withoutDetails(GeminiErrors.serviceDisabled(PROJECT))).isEqualTo(OutcomeKind.PROJECT_DISABLED);
        assertThat(withoutDetails(PermissionErrors.billingDisabled(PROJECT))).isEqualTo(OutcomeKind.PROJECT_DISABLED);
        assertThat(withoutDetails(PermissionErrors.apiKeyServiceBlocked(PROJECT, "GenerateContent")))
                .isEqualTo(OutcomeKind.KEY_SUSPECT);
        assertThat(withoutDetails(PermissionErrors.referrerBlocked(PROJECT))).isEqualTo(OutcomeKind.KEY_SUSPECT);
        // A 400 without API_KEY_INVALID is about the request.
        assertThat(withoutDetails(GeminiErrors.invalidKey())).isEqualTo(OutcomeKind.CLIENT_ERROR);
    }

    @Test
    void anUnknownReasonOnA403IsOnlyASuspicion() {
        assertThat(classifier.classify(403, """
                {"error":{"code":403,"message":"Denied.","status":"PERMISSION_DENIED","details":[
                  {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"IAM_PERMISSION_DENIED"}]}}"""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).kind()).isEqualTo(OutcomeKind.KEY_SUSPECT);
    }

    private OutcomeKind withoutDetails(ApiError answer) {
        ObjectNode body = answer.body().deepCopy();
        ((ObjectNode) body.get("error")).remove("details");
        return classifier.classify(answer.httpStatus(), Json.compact(body)).kind();
    }
}
