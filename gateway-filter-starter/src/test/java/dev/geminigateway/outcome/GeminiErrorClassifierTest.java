package dev.geminigateway.outcome;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Verbatim bodies of ARCHITECTURE.md §8.2, one per row of its classification table (§4). */
class GeminiErrorClassifierTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final GeminiErrorClassifier classifier = new GeminiErrorClassifier(JsonMapper.builder().build(),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private UpstreamOutcome classify(int status, String body) {
        return classifier.classify(status, body.getBytes(StandardCharsets.UTF_8));
    }

    static String quota429(String quotaId, String quotaValue, String retryDelay) {
        return """
                {"error": {"code": 429,
                  "message": "You exceeded your current quota, please check your plan and billing details. Please retry in 58.821668433s.",
                  "status": "RESOURCE_EXHAUSTED",
                  "details": [
                    {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
                    {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                      {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                       "quotaId": "%s",
                       "quotaDimensions": {"model": "gemini-2.5-flash", "location": "global"},
                       "quotaValue": "%s"}]},
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "%s"}]}}
                """.formatted(quotaId, quotaValue, retryDelay);
    }

    @Test
    void success() {
        assertThat(classify(200, "{}").kind()).isEqualTo(OutcomeKind.SUCCESS);
    }

    @Test
    void invalidKeyOnBothSurfaces() {
        String nativeBody = """
                {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
                  "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                     "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}}]}}""";
        assertThat(classify(400, nativeBody).kind()).isEqualTo(OutcomeKind.KEY_INVALID);
        assertThat(classify(400, "[" + nativeBody + "]").kind()).isEqualTo(OutcomeKind.KEY_INVALID);
        assertThat(OutcomeKind.KEY_INVALID.retryable()).isTrue();
    }

    @Test
    void otherBadRequestsAreTheClients() {
        UpstreamOutcome outcome = classify(400, """
                {"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \\"frequency_penalty\\": Cannot find field.","status":"INVALID_ARGUMENT"}}""");
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.CLIENT_ERROR);
        assertThat(outcome.kind().retryable()).isFalse();
        UpstreamOutcome location = classify(400, """
                {"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}}""");
        assertThat(location.kind()).isEqualTo(OutcomeKind.EGRESS_LOCATION);
        assertThat(location.kind().retryable()).isFalse();
        assertThat(location.kind().quarantines()).isFalse();
        assertThat(classify(400, """
                {"error":{"code":400,"message":"The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}""").kind())
                .isEqualTo(OutcomeKind.CLIENT_ERROR);
        assertThat(classify(404, "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\"}}").kind())
                .isEqualTo(OutcomeKind.CLIENT_ERROR);
    }

    @Test
    void leakedAndDisabledKeysAreForbidden() {
        assertThat(classify(403, """
                {"error": {"code": 403, "message": "Your API key was reported as leaked. Please use another API key.", "status": "PERMISSION_DENIED"}}""")
                .reason()).contains("leaked");
        UpstreamOutcome disabled = classify(403, """
                {"error": {"code": 403, "message": "Generative Language API has not been used in project 1 before or it is disabled.",
                  "status": "PERMISSION_DENIED",
                  "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com"}]}}""");
        // A disabled API is the project's state, not only the key's: its own kind, so the rotation skips the project.
        assertThat(disabled.kind()).isEqualTo(OutcomeKind.PROJECT_DISABLED);
        assertThat(disabled.reason()).contains("SERVICE_DISABLED");
        assertThat(OutcomeKind.PROJECT_DISABLED.quarantines()).isTrue();
        assertThat(OutcomeKind.KEY_FORBIDDEN.quarantines()).isTrue();
    }

    @Test
    void minuteQuotaCoolsForRetryDelay() {
        UpstreamOutcome outcome = classify(429, quota429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "5", "26s"));
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.MINUTE_QUOTA);
        assertThat(outcome.coolUntil()).isEqualTo(NOW.plusSeconds(26));
        assertThat(outcome.learnedLimit()).isEqualTo(5);
    }

    @Test
    void fractionalRetryDelayIsRoundedUp() {
        UpstreamOutcome outcome = classify(429, quota429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "5", "1.2s"));
        assertThat(outcome.coolUntil()).isEqualTo(NOW.plusMillis(1200));
    }

    @Test
    void retryInMessageIsUsedWithoutRetryInfo() {
        String body = quota429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "5", "x")
                .replace("\"retryDelay\": \"x\"", "\"other\": 1");
        assertThat(classify(429, body).coolUntil()).isEqualTo(NOW.plus(Duration.ofMillis(58822)));
    }

    @Test
    void dayQuotaCoolsUntilPacificMidnight() {
        UpstreamOutcome outcome = classify(429, quota429("GenerateRequestsPerDayPerProjectPerModel-FreeTier", "20", "58s"));
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.DAY_QUOTA);
        // 12:00 UTC on 27 Nov is 04:00 PST; the next Pacific midnight is 08:00 UTC on 28 Nov.
        assertThat(outcome.coolUntil()).isEqualTo(Instant.parse("2026-11-28T08:00:00Z"));
    }

    @Test
    void tokenQuota() {
        UpstreamOutcome outcome = classify(429, quota429("GenerateContentInputTokensPerModelPerMinute-FreeTier", "250000", "47s"));
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.TOKEN_QUOTA);
        assertThat(outcome.learnedLimit()).isEqualTo(250000);
        assertThat(outcome.coolUntil()).isEqualTo(NOW.plusSeconds(47));
    }

    @Test
    void quotaValueZeroMeansTheModelIsNotOnTheTier() {
        UpstreamOutcome outcome = classify(429, quota429("GenerateRequestsPerDayPerProjectPerModel-FreeTier", "0", "58s"));
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.MODEL_UNAVAILABLE);
        assertThat(outcome.coolUntil()).isAfter(NOW.plusSeconds(3600));
    }

    @Test
    void bare429IsSharedCapacityNotTheKey() {
        UpstreamOutcome outcome = classify(429, """
                {"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}""");
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.CAPACITY);
        assertThat(outcome.kind().quarantines()).isFalse();
        assertThat(classify(429, "").kind()).isEqualTo(OutcomeKind.CAPACITY);
    }

    @Test
    void legacyRateLimitShapeIsAQuota() {
        UpstreamOutcome outcome = classify(429, """
                {"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[
                 {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED",
                  "metadata":{"quota_metric":"generativelanguage.googleapis.com/generate_content_requests","quota_limit_value":"60"}}]}}""");
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.MINUTE_QUOTA);
    }

    @Test
    void serverErrorsAndTimeouts() {
        assertThat(classify(500, """
                {"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}}""").kind())
                .isEqualTo(OutcomeKind.SERVER_ERROR);
        assertThat(classify(503, """
                {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""").kind())
                .isEqualTo(OutcomeKind.SERVER_ERROR);
        assertThat(classify(504, "not json").kind()).isEqualTo(OutcomeKind.SERVER_ERROR);
        assertThat(OutcomeKind.SERVER_ERROR.isUpstreamTrouble()).isTrue();
    }

    @Test
    void aBearerOnANativePathIsNotTheKeysFault() {
        assertThat(classify(401, """
                {"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}""").kind())
                .isEqualTo(OutcomeKind.CLIENT_ERROR);
    }

    @Test
    void prepaidCreditsRestTheWholeProjectAndQuotaWithoutDetailsIsTheProjects() {
        UpstreamOutcome credits = classify(429, """
                {"error":{"code":429,"message":"Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing.","status":"RESOURCE_EXHAUSTED"}}""");
        assertThat(credits.kind()).isEqualTo(OutcomeKind.BILLING_EXHAUSTED);
        assertThat(credits.kind().coversAllModels()).isTrue();
        assertThat(credits.kind().quarantines()).isFalse();
        assertThat(credits.kind().skipsProject()).isTrue();
        assertThat(credits.coolingFor(NOW)).isGreaterThan(java.time.Duration.ofMinutes(50));
        UpstreamOutcome noDetails = classify(429, """
                {"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED"}}""");
        assertThat(noDetails.kind()).isEqualTo(OutcomeKind.MINUTE_QUOTA);
        assertThat(noDetails.learnedLimit()).isEqualTo(-1);
    }

    @Test
    void aDayIdWithAShortRetryDelayAndNoValueIsStillADayAndAnyZeroLimitMeansUnavailable() {
        UpstreamOutcome day = classify(429, """
                {"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
                 {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[
                  {"quotaId":"GenerateRequestsPerMinutePerProjectPerModel-PaidTier2"},
                  {"quotaId":"GenerateRequestsPerDayPerProjectPerModel-PaidTier2"}]},
                 {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"5s"}]}}""");
        assertThat(day.kind()).isEqualTo(OutcomeKind.DAY_QUOTA);
        assertThat(day.coolingFor(NOW)).isGreaterThan(java.time.Duration.ofSeconds(5));
        UpstreamOutcome zero = classify(429, """
                {"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
                 {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[
                  {"quotaId":"GenerateRequestsPerDayPerProjectPerModel","quotaValue":"100"},
                  {"quotaId":"GenerateContentInputTokensPerModelPerMinute","quotaValue":"0"}]}]}}""");
        assertThat(zero.kind()).isEqualTo(OutcomeKind.MODEL_UNAVAILABLE);
    }
}
