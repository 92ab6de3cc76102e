package dev.geminigateway.sample;

import java.util.List;
import java.util.Optional;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/** The official OpenAI Java SDK, default settings, pointed at the gateway's /v1 with the gateway's client token. */
class OpenAiSdkTest extends DemoGatewayTest {

    private OpenAIClient openAi;

    @BeforeEach
    void connect() {
        openAi = OpenAIOkHttpClient.builder().baseUrl(gatewayUrl() + "/v1").apiKey(TOKEN).build();
    }

    @AfterEach
    void disconnect() {
        openAi.close();
    }

    @Test
    void chatCompletion() {
        long before = validKeyCalls();

        ChatCompletion completion = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("Say hello to the gateway").build());

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).get(STRING)
                .contains("simulated answer from " + MODEL).contains("Say hello to the gateway");
        assertThat(completion.usage()).hasValueSatisfying(usage -> assertThat(usage.totalTokens()).isPositive());
        assertThat(validKeyCalls()).isGreaterThan(before);
    }

    @Test
    void streamedChatCompletionArrivesChunkByChunk() {
        StringBuilder text = new StringBuilder();
        int chunksWithContent = 0;
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Stream please").build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                Optional<String> content = chunk.choices().isEmpty() ? Optional.empty()
                        : chunk.choices().get(0).delta().content();
                if (content.isPresent() && !content.get().isEmpty()) {
                    chunksWithContent++;
                    text.append(content.get());
                }
            }
        }

        assertThat(chunksWithContent).isGreaterThan(1);
        assertThat(text.toString()).startsWith("This is a simulated answer from " + MODEL)
                .contains("Stream please");
    }

    @Test
    void embeddings() {
        CreateEmbeddingResponse response = openAi.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBEDDING_MODEL).input("a sentence to embed").build());

        assertThat(response.data()).hasSize(1);
        List<Float> vector = response.data().get(0).embedding();
        assertThat(vector).hasSizeGreaterThan(10).anyMatch(value -> value != 0f);
    }

    @Test
    void modelsListAndRetrieve() {
        List<Model> models = openAi.models().list().data();

        assertThat(models).extracting(Model::id).anyMatch(id -> id.endsWith(MODEL))
                .anyMatch(id -> id.endsWith(EMBEDDING_MODEL));
        assertThat(openAi.models().retrieve(MODEL).id()).endsWith(MODEL);
    }
}
