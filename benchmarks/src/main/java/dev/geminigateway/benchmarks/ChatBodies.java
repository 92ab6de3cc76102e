package dev.geminigateway.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import tools.jackson.databind.json.JsonMapper;

/**
 * Deterministic request bodies of a given size for the token-counting benchmark, with the texts they carry, so the
 * baseline can count exactly the same text without any JSON around it.
 */
final class ChatBodies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String[] WORDS = ("the a of to and in that is for it as with was on be by this are from or "
            + "at an have not which but they their one all were when we there can been has more if will would about "
            + "gateway rotation quota request response stream token model project limit key latency retry backoff "
            + "cluster replica deployment configuration function schema weather Paris café naïve résumé 2026 42 3.14 "
            + "HTTP/1.1 JSON `code` (parenthesis) [bracket] {brace} user's don't it's e-mail well-known").split(" ");

    private ChatBodies() {
    }

    /** A body and the texts in it, in order. */
    record Body(byte[] json, List<String> texts) {
    }

    /** OpenAI chat completions: a system prompt, then alternating user and assistant messages of ~1 KB. */
    static Body openAiChat(int targetBytes, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>();
        List<Map<String, Object>> messages = new ArrayList<>();
        String system = paragraph(random, 400);
        texts.add(system);
        messages.add(Map.of("role", "system", "content", system));
        int size = 0;
        while (size < targetBytes) {
            String text = paragraph(random, 1000);
            texts.add(text);
            messages.add(Map.of("role", messages.size() % 2 == 1 ? "user" : "assistant", "content", text));
            size += text.length() + 40;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "gemini-2.5-flash");
        body.put("messages", messages);
        body.put("stream", true);
        return new Body(JSON.writeValueAsBytes(body), texts);
    }

    /** Native generateContent: a system instruction, then alternating user and model contents of ~1 KB. */
    static Body nativeGenerate(int targetBytes, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>();
        List<Map<String, Object>> contents = new ArrayList<>();
        String system = paragraph(random, 400);
        texts.add(system);
        int size = 0;
        while (size < targetBytes) {
            String text = paragraph(random, 1000);
            texts.add(text);
            contents.add(Map.of("role", contents.size() % 2 == 0 ? "user" : "model",
                    "parts", List.of(Map.of("text", text))));
            size += text.length() + 50;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("systemInstruction", Map.of("parts", List.of(Map.of("text", system))));
        body.put("contents", contents);
        body.put("generationConfig", Map.of("temperature", 0.7, "maxOutputTokens", 1024));
        return new Body(JSON.writeValueAsBytes(body), texts);
    }

    private static String paragraph(Random random, int chars) {
        StringBuilder text = new StringBuilder(chars + 16);
        boolean sentenceStart = true;
        while (text.length() < chars) {
            String word = WORDS[random.nextInt(WORDS.length)];
            text.append(sentenceStart ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
            sentenceStart = random.nextInt(12) == 0;
            text.append(sentenceStart ? (random.nextInt(5) == 0 ? ".\n" : ". ") : random.nextInt(15) == 0 ? ", " : " ");
        }
        return text.toString();
    }
}
