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
