package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.geminigateway.attempt.Usage;

class UsageExtractorTest {

    private static Optional<Usage> extract(String json) {
        return UsageExtractor.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nativeUsageMetadataCountsThoughtsAsOutput() {
        // the gemini-2.5-flash chunk of ARCHITECTURE.md §8.5
        String body = "{\"candidates\":[],\"usageMetadata\":{\"cachedContentTokenCount\":901,\"candidatesTokenCount\":432,"
                + "\"promptTokenCount\":1844,\"thoughtsTokenCount\":91,\"toolUsePromptTokenCount\":1934,"
                + "\"totalTokenCount\":4301}}";
        assertThat(extract(body)).contains(new Usage(1844, 523, 4301, 901));
    }

    @Test
    void nativeWithoutTotalAddsPromptAndOutput() {
        assertThat(extract("{\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":3}}"))
                .contains(new Usage(7, 3, 10));
    }

    @Test
    void openAiUsage() {
        assertThat(extract("{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":30,"
                + "\"total_tokens\":42}}")).contains(new Usage(12, 30, 42));
        assertThat(extract("{\"usage\":{\"prompt_tokens\":12,\"total_tokens\":50}}")).contains(new Usage(12, 38, 50));
    }

    @Test
    void jsonArrayStreamTakesTheLastElementsUsage() {
        String body = "[{\"usageMetadata\":{\"promptTokenCount\":7,\"totalTokenCount\":7}},"
                + "{\"usageMetadata\":{\"promptTokenCount\":6,\"candidatesTokenCount\":377,\"totalTokenCount\":383}},"
                + "{\"candidates\":[]}]";
        assertThat(extract(body)).contains(new Usage(6, 377, 383));
    }

    @Test
    void noUsageOrNotJson() {
        assertThat(extract("{\"candidates\":[]}")).isEmpty();
        assertThat(extract("{\"usage\":null}")).isEmpty();
        assertThat(extract("not json but mentions usage")).isEmpty();
        assertThat(UsageExtractor.fromJson(new byte[0])).isEmpty();
    }
}
