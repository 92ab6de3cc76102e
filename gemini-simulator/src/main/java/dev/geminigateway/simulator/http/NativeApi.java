package dev.geminigateway.simulator.http;

import java.util.ArrayList;
import java.util.List;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.state.SimulatorState;
import dev.geminigateway.simulator.state.StreamSettings;
import dev.geminigateway.simulator.wire.AnswerShape;
import dev.geminigateway.simulator.wire.Answers;
import dev.geminigateway.simulator.wire.GenerationBodies;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.ModelCatalog;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Successful answers of the native surface (ai.google.dev/api). Bodies are pretty-printed, as Gemini sends them. */
final class NativeApi {

    private static final byte[] CRLF_CRLF = Reply.utf8("\r\n\r\n");
    private static final byte[] DATA = Reply.utf8("data: ");

    private final SimulatorState state;

    NativeApi(SimulatorState state) {
        this.state = state;
    }

    Reply listModels(Call call) {
        List<ModelCatalog.Model> all = state.catalog().all();
        int pageSize = parseInt(call.param("pageSize"), 50);
        if (pageSize <= 0) pageSize = 50;
        if (pageSize > 1000) pageSize = 1000;
        int from = Math.min(all.size(), Math.max(0, parseInt(call.param("pageToken"), 0)));
        int to = Math.min(all.size(), from + pageSize);
        ObjectNode body = Json.object();
        ArrayNode models = body.putArray("models");
        all.subList(from, to).forEach(m -> models.add(ModelCatalog.nativeModel(m)));
        if (to < all.size()) body.put("nextPageToken", Integer.toString(to));
        return Reply.json(200, Json.pretty(body));
    }

    Reply getModel(ModelCatalog.Model model) {
        return Reply.json(200, Json.pretty(ModelCatalog.nativeModel(model)));
    }

    Reply countTokens(Call call) {
        ObjectNode body = Json.object();
        body.put("totalTokens", call.inputTokens);
        if (call.cachedTokens > 0) {
            body.put("cachedContentTokenCount", call.cachedTokens);
        }
        ObjectNode detail = body.putArray("promptTokensDetails").addObject();
        detail.put("modality", "TEXT");
        detail.put("tokenCount", call.inputTokens);
        return Reply.json(200, Json.pretty(body));
    }

    Reply generate(Call call, ModelCatalog.Model model, Fault shape) {
        AnswerShape answer = AnswerPlanner.plan(call, model, Answers.lastNativeUserText(call.json), shape);
        ObjectNode body = GenerationBodies.nativeChunk(call.model, Answers.responseId(), answer.text(), true, answer);
        return Reply.json(200, Json.pretty(body));
    }

    /**
     * SSE with CRLF framing and running usage totals, no [DONE] (wire 4.1); JSON array without alt=sse. An answer
     * without visible text (blocked, or only thoughts) is one chunk.
     */
    Reply stream(Call call, ModelCatalog.Model model, StreamSettings settings, Fault midStream, Fault shape) {
        AnswerShape answer = AnswerPlanner.plan(call, model, Answers.lastNativeUserText(call.json), shape);
        int chunks = answer.text().isEmpty() ? 1 : settings.chunks();
        if (midStream != null) chunks = Math.max(chunks, midStream.afterEvents() + 1);
        // never more pieces than the text has four-character tokens: split() would pad it and the usage would lie
        List<String> pieces = answer.text().isEmpty() ? List.of("")
                : Answers.split(answer.text(), Math.min(chunks, Math.max(1, answer.text().length() / 4)));
        String responseId = Answers.responseId();
        int emitted = midStream != null ? Math.min(midStream.afterEvents(), pieces.size()) : pieces.size();
        chunks = pieces.size();
        boolean sse = "sse".equals(call.param("alt"));
        List<byte[]> frames = new ArrayList<>(emitted);
        for (int i = 0; i < emitted; i++) {
            byte[] json = Json.compact(GenerationBodies.nativeChunk(call.model, responseId, pieces.get(i),
                    i == chunks - 1, answer));
            frames.add(sse ? concat(DATA, json, CRLF_CRLF) : concat(Reply.utf8(i == 0 ? "[" : ",\r\n"), json));
        }
        byte[] tail;
        if (midStream != null) {
            // wire 4.1: a raw pretty-printed error object after the events, then the connection closes
            tail = concat(Reply.utf8(sse || emitted == 0 ? "" : ",\r\n"),
                    Json.pretty(GeminiErrors.serverError(midStream.status()).body()), Reply.utf8("\n"));
        } else {
            tail = sse ? null : Reply.utf8("]");
        }
        String contentType = sse ? Reply.EVENT_STREAM : Reply.JSON;
        return new Reply.Stream(contentType, Streams.paced(frames, settings.interval(), tail), midStream != null);
    }

    Reply embed(Call call, int defaultDimensions) {
        ObjectNode body = Json.object();
        body.putObject("embedding").set("values", Answers.embedding(Answers.contentText(call.json.path("content")),
                dimensions(call.json, defaultDimensions)));
        return Reply.json(200, Json.pretty(body));
    }

    Reply batchEmbed(Call call, int defaultDimensions) {
        ObjectNode body = Json.object();
        ArrayNode embeddings = body.putArray("embeddings");
        for (JsonNode request : call.json.path("requests")) {
            embeddings.addObject().set("values", Answers.embedding(Answers.contentText(request.path("content")),
                    dimensions(request, defaultDimensions)));
        }
        return Reply.json(200, Json.pretty(body));
    }

    private static int dimensions(JsonNode request, int defaultDimensions) {
        int d = request.path("outputDimensionality").asInt(request.path("output_dimensionality").asInt(0));
        return d > 0 ? Math.min(d, 3072) : defaultDimensions;
    }

    static int parseInt(String value, int fallback) {
        if (value == null) return fallback;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) length += p.length;
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
