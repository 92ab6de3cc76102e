package dev.geminigateway.simulator.http;

import java.util.ArrayList;
import java.util.List;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.cache.CachedUsage;
import dev.geminigateway.simulator.state.SimulatorState;
import dev.geminigateway.simulator.state.StreamSettings;
import dev.geminigateway.simulator.wire.Answers;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.ModelCatalog;
import dev.geminigateway.simulator.wire.TokenRule;
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
        ObjectNode detail = body.putArray("promptTokensDetails").addObject();
        detail.put("modality", "TEXT");
        detail.put("tokenCount", call.inputTokens);
        return Reply.json(200, Json.pretty(body));
    }

    Reply generate(Call call) {
        String text = Answers.text(call.model, Answers.lastNativeUserText(call.json));
        ObjectNode body = Answers.nativeResponse(call.model, Answers.responseId(), text, true, call.inputTokens,
                outputTokens(text));
        CachedUsage.addNative(body, call.cachedTokens);
        return Reply.json(200, Json.pretty(body));
    }

    /** SSE with CRLF framing and running usage totals, no [DONE] (wire 4.1); JSON array without alt=sse. */
    Reply stream(Call call, StreamSettings settings, Fault midStream) {
        int chunks = settings.chunks();
        if (midStream != null) chunks = Math.max(chunks, midStream.afterEvents() + 1);
        List<String> pieces = Answers.split(Answers.text(call.model, Answers.lastNativeUserText(call.json)), chunks);
        long outputTokens = outputTokens(String.join("", pieces));
        String responseId = Answers.responseId();
        int emitted = midStream != null ? midStream.afterEvents() : chunks;
        boolean sse = "sse".equals(call.param("alt"));
        List<byte[]> frames = new ArrayList<>(emitted);
        for (int i = 0; i < emitted; i++) {
            byte[] json = Json.compact(CachedUsage.addNative(Answers.nativeResponse(call.model, responseId,
                    pieces.get(i), i == chunks - 1, call.inputTokens, outputTokens), call.cachedTokens));
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

    private static long outputTokens(String text) {
        return TokenRule.countText(text);
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
