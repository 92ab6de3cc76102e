package dev.geminigateway.promptcache;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.geminigateway.web.Surface;

import static org.assertj.core.api.Assertions.assertThat;

/** The fingerprint follows the cacheable prefix on both surfaces, and nothing else. */
class PrefixFingerprintTest {

    private static final int WINDOW = 2048 * 4;
    private static final String SYSTEM = "You are a meticulous reviewer of contracts. ".repeat(250);
    private static final String OTHER_SYSTEM = "You are a cheerful travel agent for families. ".repeat(250);

    @Test
    void nativeRequestsSharingTheSystemInstructionShareAFingerprintWhateverTheQuestionOrFieldOrder() {
        long first = fingerprint(Surface.NATIVE, nativeBody(SYSTEM, "What is clause 4?", "0.2", true));
        long second = fingerprint(Surface.NATIVE, nativeBody(SYSTEM, "Summarise clause 9.", "0.9", false));
        assertThat(first).isNotEqualTo(PrefixFingerprint.NONE).isEqualTo(second);
        assertThat(fingerprint(Surface.NATIVE, nativeBody(OTHER_SYSTEM, "What is clause 4?", "0.2", true)))
                .isNotEqualTo(first);
    }

    @Test
    void toolsArePartOfThePrefixBetweenTheSystemInstructionAndTheContents() {
        assertThat(fingerprint(Surface.NATIVE, withTool("lookup", "hi"))).isNotEqualTo(PrefixFingerprint.NONE)
                .isEqualTo(fingerprint(Surface.NATIVE, withTool("lookup", "hello")))
                .isNotEqualTo(fingerprint(Surface.NATIVE, withTool("search", "hi")));
    }

    private static String withTool(String tool, String question) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + SYSTEM + question + "\"}]}],"
                + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
                + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"" + tool + "\"}]}]}";
    }

    @Test
    void aLongConversationWithoutSystemInstructionIsFingerprintedByItsLeadingContents() {
        String history = "{\"role\":\"user\",\"parts\":[{\"text\":\"" + SYSTEM + "\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"Understood.\"}]}";
        long one = fingerprint(Surface.NATIVE, "{\"contents\":[" + history
                + ",{\"role\":\"user\",\"parts\":[{\"text\":\"first\"}]}]}");
        long two = fingerprint(Surface.NATIVE, "{\"contents\":[" + history
                + ",{\"role\":\"user\",\"parts\":[{\"text\":\"second\"}]}]}");
        assertThat(one).isNotEqualTo(PrefixFingerprint.NONE).isEqualTo(two);
    }

    @Test
    void promptsShorterThanTheWindowAndExplicitCachesGetNone() {
        assertThat(fingerprint(Surface.NATIVE, nativeBody("Be brief. ".repeat(20), "hi", "0.2", true)))
                .isEqualTo(PrefixFingerprint.NONE);
        String explicit = "{\"cachedContent\":\"cachedContents/abc\",\"contents\":[{\"parts\":[{\"text\":\""
                + SYSTEM + "\"}]}]}";
        assertThat(fingerprint(Surface.NATIVE, explicit)).isEqualTo(PrefixFingerprint.NONE);
        assertThat(fingerprint(Surface.NATIVE, "[1,2,3]")).isEqualTo(PrefixFingerprint.NONE);
        assertThat(fingerprint(Surface.NATIVE, "{\"contents\": [tru")).isEqualTo(PrefixFingerprint.NONE);
    }

    @Test
    void openAiRequestsSharingTheSystemMessageShareAFingerprint() {
        long first = fingerprint(Surface.OPENAI, openAiBody(SYSTEM, "question one", false));
        long second = fingerprint(Surface.OPENAI, openAiBody(SYSTEM, "another question", true));
        assertThat(first).isNotEqualTo(PrefixFingerprint.NONE).isEqualTo(second);
        assertThat(fingerprint(Surface.OPENAI, openAiBody(OTHER_SYSTEM, "question one", false))).isNotEqualTo(first);
        // a native field name means nothing on the OpenAI surface
        assertThat(fingerprint(Surface.OPENAI, nativeBody(SYSTEM, "q", "0.2", true))).isEqualTo(PrefixFingerprint.NONE);
    }

    @Test
    void aHugeBodyIsScannedOnlyUpToTheLimit() {
        String huge = "{\"contents\":[{\"parts\":[{\"text\":\"" + "x".repeat(PrefixFingerprint.SCAN_LIMIT * 2)
                + "\"}]}],\"systemInstruction\":{\"parts\":[{\"text\":\"late\"}]}}";
        String other = "{\"contents\":[{\"parts\":[{\"text\":\"" + "x".repeat(PrefixFingerprint.SCAN_LIMIT * 2)
                + "\"}]}],\"systemInstruction\":{\"parts\":[{\"text\":\"different\"}]}}";
        assertThat(fingerprint(Surface.NATIVE, huge)).isNotEqualTo(PrefixFingerprint.NONE)
                .isEqualTo(fingerprint(Surface.NATIVE, other));
    }

    @Test
    void cacheMinimumsFollowTheModelGeneration() {
        CacheMinimums minimums = new CacheMinimums(Map.of("my-tuned-model", 1024));
        assertThat(minimums.tokens("gemini-2.5-flash")).isEqualTo(2048);
        assertThat(minimums.tokens("gemini-2.5-pro")).isEqualTo(2048);
        assertThat(minimums.tokens("gemini-3-pro-preview")).isEqualTo(4096);
        assertThat(minimums.tokens("gemini-3.5-flash")).isEqualTo(4096);
        assertThat(minimums.tokens("gemini-flash-latest")).isEqualTo(4096);
        assertThat(minimums.tokens("gemini-2.0-flash")).isZero();
        assertThat(minimums.tokens("gemini-1.5-pro")).isZero();
        assertThat(minimums.tokens("gemma-3-27b-it")).isZero();
        assertThat(minimums.tokens("gemini-embedding-001")).isZero();
        assertThat(minimums.tokens("my-tuned-model")).isEqualTo(1024);
        assertThat(minimums.tokens(null)).isZero();
    }

    private static long fingerprint(Surface surface, String body) {
        return PrefixFingerprint.of(surface, body.getBytes(StandardCharsets.UTF_8), WINDOW);
    }

    private static String nativeBody(String system, String question, String temperature, boolean systemFirst) {
        String sys = "\"systemInstruction\":{\"parts\":[{\"text\":\"" + system + "\"}]}";
        String contents = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + question + "\"}]}]";
        String config = "\"generationConfig\":{\"temperature\":" + temperature + "}";
        return systemFirst ? "{" + sys + "," + contents + "," + config + "}"
                : "{" + config + "," + contents + "," + sys + "}";
    }

    private static String openAiBody(String system, String question, boolean stream) {
        return "{\"model\":\"gemini-2.5-flash\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"system\","
                + "\"content\":\"" + system + "\"},{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }
}
