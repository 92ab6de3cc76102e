package dev.geminigateway.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.geminigateway.sample.demo.DemoWelcome;
import dev.geminigateway.simulator.RecordedRequest;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user types first: raw HTTP as curl sends it, on both surfaces and every route. */
class CurlLikeRequestsTest extends DemoGatewayTest {

    private static final String CHAT = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"curl says hi\"}]}";
    private static final String NATIVE = "{\"contents\":[{\"parts\":[{\"text\":\"curl says hi\"}]}]}";

    @Test
    void chatCompletionWithBearerToken() {
        client().post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("chat.completion")
                .jsonPath("$.choices[0].message.content").value(String.class,
                        content -> assertThat(content).contains("simulated answer").contains("curl says hi"));

        RecordedRequest upstream = lastUpstream("/v1beta/openai/chat/completions");
        assertThat(upstream.header("authorization")).isEqualTo("Bearer " + upstream.apiKey());
        assertThat(upstream.apiKey()).startsWith("demo-key-");
    }

    @Test
    void modelsListIsNativeWithGoogleHeaderAndOpenAiWithBearer() {
        client().get().uri("/v1/models").header("x-goog-api-key", TOKEN)
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.models[0].name").value(String.class, name -> assertThat(name).startsWith("models/"))
                .jsonPath("$.models[0].supportedGenerationMethods").isArray()
                .jsonPath("$.object").doesNotExist();

        client().get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data[0].id").isNotEmpty()
                .jsonPath("$.models").doesNotExist();
    }

    @Test
    void nativeCallsOnEveryApiVersionAndWithKeyQueryParameter() {
        for (String version : List.of("v1", "v1beta", "v1alpha")) {
            client().post().uri("/" + version + "/models/" + MODEL + ":generateContent")
                    .header("x-goog-api-key", TOKEN).contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE)
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.candidates[0].content.parts[0].text").isNotEmpty();
            assertThat(lastUpstream("/" + version + "/models/" + MODEL + ":generateContent").apiKey())
                    .startsWith("demo-key-");
        }

        client().post().uri("/v1beta/models/" + MODEL + ":countTokens?key=" + TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.totalTokens").isNumber();
        RecordedRequest counted = lastUpstream("/v1beta/models/" + MODEL + ":countTokens");
        assertThat(counted.query()).as("the client's key= never goes upstream").doesNotContain(TOKEN);
    }

    @Test
    void googlesOwnOpenAiBaseUrlWorksToo() {
        client().post().uri("/v1beta/openai/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isNotEmpty();
    }

    @Test
    void requestsWithoutTheClientTokenAreRefusedInTheCallersShape() {
        client().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT)
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody()
                .jsonPath("$.error.message").value(String.class, message -> assertThat(message).contains("client token"))
                .jsonPath("$.error.type").isNotEmpty();

        // one wrong token only: three from one address within minutes would lock this test's address out
        client().post().uri("/v1beta/models/" + MODEL + ":generateContent").header("x-goog-api-key", "AIzaNotOurs")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE)
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo(401)
                .jsonPath("$.error.status").isNotEmpty();
    }

    @Test
    void everyCurlLineOfTheDemoWelcomeWorks() throws IOException, InterruptedException {
        List<List<String>> commands = CurlLine.parseAll(
                DemoWelcome.text(gatewayUrl(), simulator.baseUrl(), TOKEN, DemoWelcome.ADMIN_TOKEN));
        assertThat(commands).hasSizeGreaterThanOrEqualTo(7);
        // curl speaks HTTP/1.1 to an http:// address (no h2c upgrade, which the JDK client would otherwise attempt)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        for (List<String> command : commands) {
            HttpResponse<String> response = http.send(CurlLine.toRequest(command), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(String.join(" ", command)).isEqualTo(HttpStatus.OK.value());
            assertThat(response.body()).as(String.join(" ", command))
                    .containsAnyOf("simulated answer", "models/", "\"groups\"");
        }
    }

    private RecordedRequest lastUpstream(String path) {
        return simulator.recordedRequests().stream().filter(request -> request.path().equals(path))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no upstream request to " + path));
    }

    /** Just enough of curl's command line to replay the demo's lines: URL, -H, -d, -N; single quotes. */
    static final class CurlLine {

        static List<List<String>> parseAll(String text) {
            List<List<String>> commands = new ArrayList<>();
            String joined = text.replace("\\\n", " ");
            for (String line : joined.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.startsWith("curl ")) {
                    commands.add(words(trimmed));
                }
            }
            return commands;
        }

        static List<String> words(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            boolean inWord = false;
            for (char c : line.toCharArray()) {
                if (c == '\'') {
                    quoted = !quoted;
                    inWord = true;
                }
                else if (Character.isWhitespace(c) && !quoted) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                }
                else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }

        static HttpRequest toRequest(List<String> command) {
            HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30));
            String body = null;
            for (int i = 1; i < command.size(); i++) {
                String word = command.get(i);
                switch (word) {
                    case "-H" -> {
                        String header = command.get(++i);
                        int colon = header.indexOf(':');
                        request.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
                    }
                    case "-d" -> body = command.get(++i);
                    case "-N" -> { }
                    default -> request.uri(URI.create(word));
                }
            }
            return body == null ? request.GET().build()
                    : request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }
    }
}
