package dev.geminigateway.simulator.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.state.SimulatorState;
import dev.geminigateway.simulator.state.StreamSettings;
import dev.geminigateway.simulator.wire.AnswerShape;
import dev.geminigateway.simulator.wire.Answers;
import dev.geminigateway.simulator.wire.GenerationBodies;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.Json;
import dev.geminigateway.simulator.wire.ModelCatalog;
import dev.geminigateway.simulator.wire.TokenRule;
import dev.geminigateway.simulator.wire.UsageReport;
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

    Reply chat(Call call, ModelCatalog.Model model, Fault shape) {
        AnswerShape answer = AnswerPlanner.plan(call, model, Answers.lastOpenAiUserText(call.json), shape);
        ObjectNode body = GenerationBodies.openAiCompletion(call.model, completionId(), created(), answer);
        return Reply.json(200, Json.compact(body));
    }

    /**
     * chat.completion.chunk events with LF framing, usage in the final content chunk, then [DONE] (wire 4.2). With
     * a usage-in-every-chunk fault each chunk carries the running totals.
     */
    Reply chatStream(Call call, ModelCatalog.Model model, StreamSettings settings, Fault midStream, Fault shape) {
        AnswerShape answer = AnswerPlanner.plan(call, model, Answers.lastOpenAiUserText(call.json), shape);
        boolean everyChunk = shape != null && shape.kind() == Fault.Kind.USAGE_IN_EVERY_CHUNK;
        int chunks = answer.text().isEmpty() ? 1 : settings.chunks();
        if (midStream != null) chunks = Math.max(chunks, midStream.afterEvents() + 1);
        // never more pieces than the text has four-character tokens: split() would pad it and the usage would lie
        List<String> pieces = answer.text().isEmpty() ? List.of("")
                : Answers.split(answer.text(), Math.min(chunks, Math.max(1, answer.text().length() / 4)));
        chunks = pieces.size();
        String id = completionId();
        long created = created();
        int emitted = midStream != null ? Math.min(midStream.afterEvents(), chunks) : chunks;
        List<byte[]> frames = new ArrayList<>(emitted + 1);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < emitted; i++) {
            sent.append(pieces.get(i));
            UsageReport running = everyChunk ? answer.usage().upTo(TokenRule.countText(sent.toString())) : null;
            ObjectNode chunk = GenerationBodies.openAiChunk(call.model, id, created, pieces.get(i), i == 0,
                    i == chunks - 1, answer, running);
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
