package dev.geminigateway.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.PermissionErrors;

import static org.assertj.core.api.Assertions.assertThat;

/** Gemini's own bodies that name the project, the consumer, the key or the caller's address. */
class UpstreamErrorScrubberTest {

    private static final String PROJECT = "580640415319";
    private static final String KEY = "AIzaSyAbm-_oW12aAAxNc8FEEh-84QT7o-9r1Ak";

    private static String scrubbed(byte[] body) {
        return new String(UpstreamErrorScrubber.scrub(body), StandardCharsets.UTF_8);
    }

    private static void assertClean(String body) {
        assertThat(body).doesNotContain(PROJECT).doesNotContain(KEY).doesNotContain("consumer")
                .doesNotContain("containerInfo").doesNotContain("203.0.113.7");
    }

    @Test
    void serviceDisabledLosesTheProjectNumberOnBothSurfaces() {
        ApiError answer = GeminiErrors.serviceDisabled(PROJECT);
        String nativeBody = scrubbed(Json.compact(answer.body()));
        assertClean(nativeBody);
        assertThat(nativeBody).startsWith("{\"error\"").contains("SERVICE_DISABLED")
                .contains("has not been used in project [redacted] before")
                .contains("overview?project=[redacted]");
        String openAiBody = scrubbed(Json.compact(answer.openAiBody()));
        assertClean(openAiBody);
        assertThat(openAiBody).startsWith("[{\"error\"");
    }

    @Test
    void aSuspendedKeyIsNeverQuoted() {
        String body = scrubbed(Json.compact(PermissionErrors.consumerSuspended(PROJECT, KEY).openAiBody()));
        assertClean(body);
        assertThat(body).contains("Consumer 'api_key:[redacted]' has been suspended").contains("CONSUMER_SUSPENDED");
    }

    @Test
    void billingBlockedAndIpRestrictedBodiesAreClean() {
        assertClean(scrubbed(Json.compact(PermissionErrors.billingDisabled(PROJECT).body())));
        assertClean(scrubbed(Json.compact(PermissionErrors.apiKeyServiceBlocked(PROJECT, "GenerateContent").body())));
        assertClean(scrubbed(Json.compact(PermissionErrors.ipAddressBlocked(PROJECT, "203.0.113.7").body())));
    }

    @Test
    void bodiesWithoutHintsKeepTheirMeaningAndNonJsonIsLeftAlone() {
        String file = scrubbed(Json.compact(PermissionErrors.fileDenied("abc123").body()));
        assertThat(file).contains("You do not have permission to access the File abc123 or it may not exist.");
        assertThat(scrubbed(Json.compact(GeminiErrors.quotaExceeded(java.util.List.of(), "gemini-2.5-flash", false,
                java.time.Duration.ofSeconds(3)).body()))).contains("RESOURCE_EXHAUSTED");
        byte[] html = "<html>403</html>".getBytes(StandardCharsets.UTF_8);
        assertThat(UpstreamErrorScrubber.scrub(html)).isSameAs(html);
        assertThat(UpstreamErrorScrubber.scrub(null)).isNull();
    }
}
