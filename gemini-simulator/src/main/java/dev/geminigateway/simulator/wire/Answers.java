package dev.geminigateway.simulator.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plausible, deterministic answers in both surfaces' shapes, with token numbers that agree with {@link TokenRule}:
 * the prompt count is the request's count, the output count is the rule applied to the answer text.
 */
public final class Answers {

    private static final char[] ID_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Answers() {
    }

    /** The answer text for a prompt: echoes the start of the last user text so tests can tell answers apart. */
    public static String text(String model, String lastUserText) {
        String topic = lastUserText == null || lastUserText.isBlank() ? "your request"
                : "\"" + (lastUserText.length() > 60 ? lastUserText.substring(0, 60) + "..." : lastUserText) + "\"";
        return "This is a simulated answer from " + model + " about " + topic
                + ". The simulator streams it in pieces, counts about four characters per token"
                + " and reports consistent usage numbers.";
    }

    /** Splits the text into {@code pieces} non-empty parts (the text is lengthened if it is too short). */
    public static List<String> split(String text, int pieces) {
        StringBuilder sb = new StringBuilder(text);
        while (sb.length() < pieces * 4) sb.append(" More simulated text.");
        String full = sb.toString();
        List<String> out = new ArrayList<>(pieces);
        for (int i = 0; i < pieces; i++) {
            out.add(full.substring(full.length() * i / pieces, full.length() * (i + 1) / pieces));
        }
        return out;
    }

    public static String responseId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[23];
        for (int i = 0; i < id.length; i++) id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
        return new String(id);
    }

    /** Last user text of a native request ({@code contents[-1].parts[].text}). */
    public static String lastNativeUserText(JsonNode request) {
        JsonNode contents = request.path("contents");
        JsonNode last = contents.isArray() && !contents.isEmpty() ? contents.get(contents.size() - 1) : contents;
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : last.path("parts")) {
            sb.append(part.path("text").asString(""));
        }
        return sb.toString();
    }

    /** Last message text of an OpenAI request (string content or text parts). */
    public static String lastOpenAiUserText(JsonNode request) {
        JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) return "";
        JsonNode content = messages.get(messages.size() - 1).path("content");
        if (content.isString()) return content.stringValue();
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) sb.append(part.path("text").asString(""));
        return sb.toString();
    }

    /**
     * A native GenerateContentResponse. With {@code finalChunk} false it is an interim stream chunk: usage holds
     * only prompt and total counts, and there is no finishReason (wire 4.1).
     */
    public static ObjectNode nativeResponse(String model, String responseId, String text, boolean finalChunk,
                                            long promptTokens, long outputTokens) {
        ObjectNode response = Json.object();
        ObjectNode candidate = response.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        if (finalChunk) {
            candidate.put("finishReason", "STOP");
            candidate.put("index", 0);
        }
        ObjectNode usage = response.putObject("usageMetadata");
        if (finalChunk) {
            usage.put("candidatesTokenCount", outputTokens);
        }
        usage.put("promptTokenCount", promptTokens);
        ObjectNode detail = usage.putArray("promptTokensDetails").addObject();
        detail.put("modality", "TEXT");
        detail.put("tokenCount", promptTokens);
        usage.put("totalTokenCount", finalChunk ? promptTokens + outputTokens : promptTokens);
        response.put("modelVersion", model);
        response.put("responseId", responseId);
        return response;
    }

    public static ObjectNode openAiCompletion(String model, String id, long created, String text, long promptTokens,
                                              long outputTokens) {
        ObjectNode response = Json.object();
        response.put("id", id);
        response.put("object", "chat.completion");
        response.put("created", created);
        response.put("model", model);
        ObjectNode choice = response.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", text);
        choice.put("finish_reason", "stop");
        response.set("usage", openAiUsage(promptTokens, outputTokens));
        return response;
    }

    /** One chat.completion.chunk; the final content chunk carries finish_reason and usage (wire 4.2). */
    public static ObjectNode openAiChunk(String model, String id, long created, String text, boolean first,
                                         boolean finalChunk, long promptTokens, long outputTokens) {
        ObjectNode chunk = Json.object();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) delta.put("role", "assistant");
        delta.put("content", text);
        if (finalChunk) {
            choice.put("finish_reason", "stop");
            chunk.set("usage", openAiUsage(promptTokens, outputTokens));
        } else {
            choice.putNull("finish_reason");
        }
        return chunk;
    }

    public static ObjectNode openAiUsage(long promptTokens, long outputTokens) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", outputTokens);
        usage.put("total_tokens", promptTokens + outputTokens);
        return usage;
    }

    /** A deterministic unit vector derived from the text. */
    public static ArrayNode embedding(String text, int dimensions) {
        ArrayNode values = Json.array();
        long seed = text == null ? 0 : text.hashCode();
        double[] raw = new double[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            raw[i] = Math.sin(seed * 0.001 + i * 0.7);
            norm += raw[i] * raw[i];
        }
        norm = Math.sqrt(norm);
        for (double v : raw) values.add((float) (norm == 0 ? 0 : v / norm));
        return values;
    }

    /** Text of a native Content ({@code parts[].text} joined). */
    public static String contentText(JsonNode content) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content.path("parts")) sb.append(part.path("text").asString(""));
        return sb.toString();
    }
}
