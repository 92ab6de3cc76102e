package dev.geminigateway.sample;

import java.util.ArrayList;
import java.util.List;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import dev.geminigateway.simulator.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Google Gen AI Java SDK, default API version and headers (x-goog-api-key), pointed at the gateway's
 * root with the gateway's client token as its API key.
 */
class GoogleGenAiSdkTest extends DemoGatewayTest {

    private Client genai;

    @BeforeEach
    void connect() {
        genai = Client.builder().apiKey(TOKEN).httpOptions(HttpOptions.builder().baseUrl(gatewayUrl()).build())
                .build();
    }

    @AfterEach
    void disconnect() {
        genai.close();
    }

    @Test
    void generateContent() {
        GenerateContentResponse response = genai.models.generateContent(MODEL, "Hello from the Google SDK", null);

        assertThat(response.text()).contains("simulated answer from " + MODEL).contains("Hello from the Google SDK");
        assertThat(response.usageMetadata()).hasValueSatisfying(
                usage -> assertThat(usage.totalTokenCount()).hasValueSatisfying(total -> assertThat(total).isPositive()));
        assertThat(lastUpstreamPathFor(":generateContent")).as("the SDK's own native path, passed through")
                .matches("/v1(beta)?/models/" + MODEL + ":generateContent");
    }

    @Test
    void generateContentStream() {
        List<String> pieces = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream =
                genai.models.generateContentStream(MODEL, "Stream from the Google SDK", null)) {
            for (GenerateContentResponse chunk : stream) {
                String text = chunk.text();
                if (text != null && !text.isEmpty()) {
                    pieces.add(text);
                }
            }
        }

        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(String.join("", pieces)).startsWith("This is a simulated answer from " + MODEL)
                .contains("Stream from the Google SDK");
    }

    @Test
    void countTokens() {
        CountTokensResponse response = genai.models.countTokens(MODEL, "How many tokens is this sentence?", null);

        assertThat(response.totalTokens()).hasValueSatisfying(total -> assertThat(total).isBetween(1, 100));
    }

    @Test
    void embedContent() {
        EmbedContentResponse response = genai.models.embedContent(EMBEDDING_MODEL, "a sentence to embed", null);

        assertThat(response.embeddings()).hasValueSatisfying(embeddings -> {
            assertThat(embeddings).hasSize(1);
            ContentEmbedding embedding = embeddings.get(0);
            assertThat(embedding.values()).hasValueSatisfying(
                    values -> assertThat(values).hasSizeGreaterThan(10).anyMatch(value -> value != 0f));
        });
    }

    @Test
    void theClientTokenNeverReachesGoogle() {
        genai.models.generateContent(MODEL, "Which key am I?", null);

        RecordedRequest upstream = simulator.recordedRequests().stream()
                .filter(request -> request.bodyAsString().contains("Which key am I?")).reduce((a, b) -> b).orElseThrow();
        assertThat(upstream.apiKey()).isNotEqualTo(TOKEN).startsWith("demo-key-");
        assertThat(upstream.header("x-goog-api-key")).isEqualTo(upstream.apiKey());
        assertThat(upstream.header("authorization")).isNull();
    }

    private String lastUpstreamPathFor(String method) {
        return simulator.recordedRequests().stream().map(RecordedRequest::path)
                .filter(path -> path.endsWith(method)).reduce((a, b) -> b).orElseThrow();
    }
}
