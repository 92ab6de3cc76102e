package dev.geminigateway.simulator.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

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

/** Successful answers of the OpenAI-compatible surface under /v1beta/openai/ (wire 1, 4.2). */
final class OpenAiApi {

    /**
     * Top-level fields the compat surface accepts. Anything else gets Gemini's "Unknown name" 400 (wire 1:
     * frequency_penalty and reasoning are rejected; presence_penalty is assumed to be rejected too [unverified]).
     */
    static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "stream", "stream_options", "temperature",
            "top_p", "n", "max_tokens", "max_completion_tokens", "stop", "tools", "tool_choice", "response_format",
            "reasoning_effort", "seed", "user", "extra_body", "parallel_tool_calls", "logprobs", "top_logprobs");
    static final Set<String> EMBEDDING_FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user",
            "extra_body");

    private static final byte[] DATA = Reply.utf8("data: ");
    private static final byte[] LF_LF = Reply.utf8("\n\n");
    private static final byte[] DONE = Reply.utf8("data: [DONE]\n\n");

    private final SimulatorState state;

    OpenAiApi(SimulatorState state) {
        this.state = state;
    }

    Reply listModels() {
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        state.catalog().all().forEach(m -> data.add(ModelCatalog.openAiModel(m)));
        return Reply.json(200, Json.compact(body));
    }

    Reply getModel(ModelCatalog.Model model) {
        return Reply.json(200, Json.compact(ModelCatalog.openAiModel(model)));
    }

    Reply chat(Call call) {
        String text = Answers.text(call.model, Answers.lastOpenAiUserText(call.json));
        ObjectNode body = Answers.openAiCompletion(call.model, completionId(), created(), text, call.inputTokens,
                TokenRule.countText(text));
        CachedUsage.addOpenAi(body, call.cachedTokens);
        return Reply.json(200, Json.compact(body));
    }

    /** chat.completion.chunk events with LF framing, usage in the final content chunk, then [DONE] (wire 4.2). */
    Reply chatStream(Call call, StreamSettings settings, Fault midStream) {
        int chunks = settings.chunks();
        if (midStream != null) chunks = Math.max(chunks, midStream.afterEvents() + 1);
        List<String> pieces = Answers.split(Answers.text(call.model, Answers.lastOpenAiUserText(call.json)), chunks);
        long outputTokens = TokenRule.countText(String.join("", pieces));
        String id = completionId();
        long created = created();
        int emitted = midStream != null ? midStream.afterEvents() : chunks;
        List<byte[]> frames = new ArrayList<>(emitted + 1);
        for (int i = 0; i < emitted; i++) {
            ObjectNode chunk = Answers.openAiChunk(call.model, id, created, pieces.get(i), i == 0, i == chunks - 1,
                    call.inputTokens, outputTokens);
            CachedUsage.addOpenAi(chunk, call.cachedTokens);
            frames.add(NativeApi.concat(DATA, Json.compact(chunk), LF_LF));
        }
        byte[] tail = midStream != null
                // [unverified] how compat errors look mid-stream; an SSE event with the error object, then close
                ? NativeApi.concat(DATA, Json.compact(GeminiErrors.serverError(midStream.status()).body()), LF_LF)
                : DONE;
        return new Reply.Stream(Reply.EVENT_STREAM, Streams.paced(frames, settings.interval(), tail), midStream != null);
    }

    Reply embeddings(Call call, int defaultDimensions) {
        JsonNode input = call.json.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isArray()) {
            for (JsonNode item : input) texts.add(item.asString(""));
        } else {
            texts.add(input.asString(""));
        }
        int dimensions = call.json.path("dimensions").asInt(0);
        if (dimensions <= 0) dimensions = defaultDimensions;
        boolean base64 = "base64".equals(call.json.path("encoding_format").asString("float"));
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            ArrayNode vector = Answers.embedding(texts.get(i), dimensions);
            if (base64) {
                item.put("embedding", toBase64(vector));
            } else {
                item.set("embedding", vector);
            }
        }
        body.put("model", call.model);
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", call.inputTokens);
        usage.put("total_tokens", call.inputTokens);
        return Reply.json(200, Json.compact(body));
    }

    /** The first field outside the allow-list, or null. */
    static String unknownField(JsonNode request, Set<String> allowed) {
        for (String name : request.propertyNames()) {
            if (!allowed.contains(name)) return name;
        }
        return null;
    }

    private long created() {
        return state.clock().now().getEpochSecond();
    }

    private static String completionId() {
        return "chatcmpl-" + Answers.responseId();
    }

    private static String toBase64(ArrayNode vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : vector) buffer.putFloat(v.floatValue());
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
