package dev.geminigateway.token;

import static dev.geminigateway.web.Surface.OPENAI;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each variant adds one billed part to a base request: the count must grow by exactly that part's tokens. */
class OpenAiRequestWalkerTest extends WalkerTestSupport {

    private static final String USER = "{\"role\":\"user\",\"content\":\"What is the weather in Paris today?\"}";
    private static final long BASE = sum("What is the weather in Paris today?");

    private static String chat(String messages) {
        return "{\"model\":\"gemini-2.5-flash\",\"messages\":[" + messages + "]}";
    }

    private static String chatWith(String messages, String extraTopLevel) {
        return "{\"model\":\"gemini-2.5-flash\",\"messages\":[" + messages + "]," + extraTopLevel + "}";
    }

    @Test
    void stringContent() {
        assertThat(text(OPENAI, chat(USER))).isEqualTo(BASE);
        assertThat(text(OPENAI, chat(USER + ",{\"role\":\"system\",\"content\":\"Be brief.\"}")))
                .isEqualTo(BASE + sum("Be brief."));
    }

    @Test
    void arrayOfTextParts() {
        String parts = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe this.\"},"
                + "{\"type\":\"text\",\"text\":\"In one line.\"}]}";
        assertThat(text(OPENAI, chat(USER + "," + parts))).isEqualTo(BASE + sum("Describe this.", "In one line."));
    }

    @Test
    void imageAndAudioPartsAreMediaItemsNotText() {
        String image = "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\"}}]}";
        String audio = "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":"
                + "{\"data\":\"UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA=\",\"format\":\"wav\"}}]}";
        String body = chat(USER + "," + image + "," + audio);
        assertThat(text(OPENAI, body)).isEqualTo(BASE);
        assertThat(media(OPENAI, body)).isEqualTo(2);
        assertThat(COUNTER.estimate(OPENAI, body.getBytes(), 258, 1.0).totalTokens()).isEqualTo(BASE + 2 * 258);
    }

    @Test
    void assistantToolCallsCountNameAndParsedArguments() {
        String call = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\",\\\"days\\\":3}\"}}]}";
        assertThat(text(OPENAI, chat(USER + "," + call)))
                .isEqualTo(BASE + sum("get_weather", "city", "Paris", "days", "3"));
    }

    @Test
    void argumentsThatAreNotJsonAreCountedAsText() {
        String call = "{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"city = Paris\"}}]}";
        assertThat(text(OPENAI, chat(USER + "," + call))).isEqualTo(BASE + sum("get_weather", "city = Paris"));
    }

    @Test
    void toolMessageCountsContentButNotTheCorrelationId() {
        String tool = "{\"role\":\"tool\",\"tool_call_id\":\"call_abc123\",\"content\":\"Sunny, 21 degrees\"}";
        assertThat(text(OPENAI, chat(USER + "," + tool))).isEqualTo(BASE + sum("Sunny, 21 degrees"));
        String named = "{\"role\":\"tool\",\"tool_call_id\":\"call_abc123\",\"name\":\"get_weather\","
                + "\"content\":\"Sunny, 21 degrees\"}";
        assertThat(text(OPENAI, chat(USER + "," + named))).isEqualTo(BASE + sum("Sunny, 21 degrees", "get_weather"));
    }

    @Test
    void toolDeclarationsCountNameDescriptionAndWholeSchema() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"description\":\"Current weather in a city\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\",\"enum\":[\"Paris\",\"Rome\"]}},"
                + "\"required\":[\"city\"]}}}]";
        assertThat(text(OPENAI, chatWith(USER, tools))).isEqualTo(BASE + sum("get_weather", "Current weather in a city",
                "type", "object", "properties", "city", "type", "string", "enum", "Paris", "Rome", "required", "city"));
    }

    @Test
    void responseFormatJsonSchemaIsCounted() {
        String format = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\","
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\","
                + "\"description\":\"the answer\"}}}}}";
        assertThat(text(OPENAI, chatWith(USER, format))).isEqualTo(BASE + sum("type", "object", "properties", "answer",
                "type", "string", "description", "the answer"));
        assertThat(text(OPENAI, chatWith(USER, "\"response_format\":{\"type\":\"json_object\"}"))).isEqualTo(BASE);
    }

    @Test
    void embeddingsInputAsStringArrayOrTokenIds() {
        assertThat(text(OPENAI, "{\"model\":\"text-embedding-004\",\"input\":\"hello world\"}")).isEqualTo(2);
        assertThat(text(OPENAI, "{\"input\":[\"hello world\",\"The quick brown fox jumps over the lazy dog.\"]}"))
                .isEqualTo(12);
        assertThat(text(OPENAI, "{\"input\":[15339,1917,0]}")).isEqualTo(3);
        assertThat(text(OPENAI, "{\"input\":[[15339,1917],[0]]}")).isEqualTo(3);
    }

    @Test
    void fieldsOfTheWrongTypeAreIgnoredNotFatal() {
        assertThat(text(OPENAI, "{\"messages\":{\"role\":\"user\"},\"tools\":\"x\",\"input\":{\"a\":1}}")).isZero();
        assertThat(text(OPENAI, chat(USER + ",{\"role\":\"user\",\"content\":{\"text\":\"hidden\"}}"))).isEqualTo(BASE);
    }
}
