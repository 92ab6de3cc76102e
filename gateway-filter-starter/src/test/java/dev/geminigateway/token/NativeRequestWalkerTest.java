package dev.geminigateway.token;

import static dev.geminigateway.web.Surface.NATIVE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each variant adds one billed part to a base request: the count must grow by exactly that part's tokens. */
class NativeRequestWalkerTest extends WalkerTestSupport {

    private static final String USER = "{\"role\":\"user\",\"parts\":[{\"text\":\"What is the weather in Paris today?\"}]}";
    private static final long BASE = sum("What is the weather in Paris today?");

    private static String generate(String contents) {
        return "{\"contents\":[" + contents + "]}";
    }

    private static String generateWith(String extraTopLevel) {
        return "{\"contents\":[" + USER + "]," + extraTopLevel + "}";
    }

    private static String withPart(String part) {
        return generate(USER + ",{\"role\":\"user\",\"parts\":[" + part + "]}");
    }

    @Test
    void textPartsAcrossContents() {
        assertThat(text(NATIVE, generate(USER))).isEqualTo(BASE);
        assertThat(text(NATIVE, withPart("{\"text\":\"Be brief.\"},{\"thought\":true,\"text\":\"Thinking it over\"}")))
                .isEqualTo(BASE + sum("Be brief.", "Thinking it over"));
    }

    @Test
    void mediaPartsInBothSpellingsAreItemsNotText() {
        String body = withPart("{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgoAAAANSUhEUg\"}},"
                + "{\"inline_data\":{\"mime_type\":\"image/png\",\"data\":\"iVBORw0KGgoAAAANSUhEUg\"}},"
                + "{\"fileData\":{\"mimeType\":\"video/mp4\",\"fileUri\":\"https://example.invalid/v1beta/files/abc\"}},"
                + "{\"file_data\":{\"mime_type\":\"audio/mp3\",\"file_uri\":\"https://example.invalid/files/def\"}}");
        assertThat(text(NATIVE, body)).isEqualTo(BASE);
        assertThat(media(NATIVE, body)).isEqualTo(4);
    }

    @Test
    void functionCallCountsNameAndArgumentsRecursively() {
        String call = "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\",\"days\":3,"
                + "\"opts\":{\"units\":[\"metric\"]}}}}";
        assertThat(text(NATIVE, withPart(call)))
                .isEqualTo(BASE + sum("get_weather", "city", "Paris", "days", "3", "opts", "units", "metric"));
        String snake = "{\"function_call\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}";
        assertThat(text(NATIVE, withPart(snake))).isEqualTo(BASE + sum("get_weather", "city", "Paris"));
    }

    @Test
    void functionResponseCountsNameAndResponse() {
        String response = "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"temp\":\"21C\","
                + "\"sky\":\"clear\"}}}";
        assertThat(text(NATIVE, withPart(response))).isEqualTo(BASE + sum("get_weather", "temp", "21C", "sky", "clear"));
    }

    @Test
    void codeExecutionPartsAreCounted() {
        String parts = "{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"print(1 + 1)\"}},"
                + "{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\",\"output\":\"2\"}}";
        assertThat(text(NATIVE, withPart(parts))).isEqualTo(BASE + sum("print(1 + 1)", "2"));
    }

    @Test
    void systemInstructionInBothSpellings() {
        String camel = "\"systemInstruction\":{\"parts\":[{\"text\":\"You are a weather bot.\"}]}";
        String snake = "\"system_instruction\":{\"parts\":[{\"text\":\"You are a weather bot.\"}]}";
        assertThat(text(NATIVE, generateWith(camel))).isEqualTo(BASE + sum("You are a weather bot."));
        assertThat(text(NATIVE, generateWith(snake))).isEqualTo(BASE + sum("You are a weather bot."));
    }

    @Test
    void functionDeclarationsInBothSpellings() {
        String declaration = "{\"name\":\"get_weather\",\"description\":\"Current weather in a city\","
                + "\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\","
                + "\"description\":\"City name\"}},\"required\":[\"city\"]}}";
        long expected = BASE + sum("get_weather", "Current weather in a city", "type", "OBJECT", "properties", "city",
                "type", "STRING", "description", "City name", "required", "city");
        assertThat(text(NATIVE, generateWith("\"tools\":[{\"functionDeclarations\":[" + declaration + "]},"
                + "{\"googleSearch\":{}}]"))).isEqualTo(expected);
        assertThat(text(NATIVE, generateWith("\"tools\":[{\"function_declarations\":[" + declaration + "]}]")))
                .isEqualTo(expected);
    }

    @Test
    void responseSchemaInBothSpellings() {
        String schema = "{\"type\":\"OBJECT\",\"properties\":{\"answer\":{\"type\":\"STRING\"}}}";
        long expected = BASE + sum("type", "OBJECT", "properties", "answer", "type", "STRING");
        assertThat(text(NATIVE, generateWith("\"generationConfig\":{\"temperature\":0.2,\"responseSchema\":" + schema
                + "}"))).isEqualTo(expected);
        assertThat(text(NATIVE, generateWith("\"generation_config\":{\"response_schema\":" + schema + "}")))
                .isEqualTo(expected);
    }

    @Test
    void countTokensWrapperIsWalkedLikeAGenerateRequest() {
        String body = "{\"generateContentRequest\":{\"model\":\"models/gemini-2.5-flash\",\"contents\":[" + USER + "],"
                + "\"systemInstruction\":{\"parts\":[{\"text\":\"You are a weather bot.\"}]}}}";
        assertThat(text(NATIVE, body)).isEqualTo(BASE + sum("You are a weather bot."));
    }

    @Test
    void embedContentAndBatchEmbedContents() {
        assertThat(text(NATIVE, "{\"content\":{\"parts\":[{\"text\":\"hello world\"}]}}")).isEqualTo(2);
        String batch = "{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":"
                + "[{\"text\":\"hello world\"}]}},{\"model\":\"models/gemini-embedding-001\",\"title\":\"Weather\","
                + "\"content\":{\"parts\":[{\"text\":\"The quick brown fox jumps over the lazy dog.\"}]}}]}";
        assertThat(text(NATIVE, batch)).isEqualTo(sum("hello world", "Weather",
                "The quick brown fox jumps over the lazy dog."));
    }

    @Test
    void opaqueFieldsAreNotCounted() {
        String part = "{\"text\":\"Be brief.\",\"thoughtSignature\":\"CiQB0e2Kb7Xz0aGVkZWZhdWx0LXNpZ25hdHVyZQ==\"}";
        assertThat(text(NATIVE, withPart(part))).isEqualTo(BASE + sum("Be brief."));
        assertThat(text(NATIVE, generateWith("\"cachedContent\":\"cachedContents/abc123\",\"safetySettings\":"
                + "[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"BLOCK_NONE\"}]"))).isEqualTo(BASE);
    }
}
