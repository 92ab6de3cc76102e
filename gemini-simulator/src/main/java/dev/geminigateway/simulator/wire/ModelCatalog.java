package dev.geminigateway.simulator.wire;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The models the simulator serves. Calling an unknown model, or a method the model does not support
 * (generateContent on an embedding model), is answered 404 NOT_FOUND as Gemini does (wire 4.1).
 */
public final class ModelCatalog {

    /** One model: generation models answer generate/stream/countTokens, embedding models embed calls. */
    public record Model(String name, boolean embedding, int inputTokenLimit, int outputTokenLimit) {

        public List<String> methods() {
            return embedding ? List.of("embedContent", "batchEmbedContents", "countTokens")
                    : List.of("generateContent", "streamGenerateContent", "countTokens", "createCachedContent",
                    "batchGenerateContent");
        }

        /** Gemini 2.5 and 3 models think before they answer (when the request lets them). */
        public boolean thinking() {
            return !embedding && (name.startsWith("gemini-2.5") || name.startsWith("gemini-3"));
        }
    }

    private static final List<String> GENERATION = List.of(
            "gemini-3-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro", "gemini-2.5-flash",
            "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-2.0-flash-lite", "gemini-1.5-pro",
            "gemini-1.5-flash", "gemini-flash-latest", "gemini-flash-lite-latest", "gemini-pro-latest",
            "gemma-3-27b-it");
    private static final List<String> EMBEDDING = List.of("gemini-embedding-001", "text-embedding-004");

    private final Map<String, Model> models = new ConcurrentHashMap<>();
    private final List<String> extra;

    public ModelCatalog(List<String> extra) {
        this.extra = List.copyOf(extra);
        reset();
    }

    /** The start-up models with their real limits (input-token limit overrides are dropped). */
    public void reset() {
        models.clear();
        GENERATION.forEach(this::add);
        EMBEDDING.forEach(this::add);
        extra.forEach(this::add);
    }

    public void add(String name) {
        String bare = bare(name);
        boolean embedding = bare.contains("embedding");
        // gemma-3-27b-it serves 131072 input tokens (its 400s quote that limit, google-gemini/gemini-cli#12214)
        int input = embedding ? 2048 : bare.startsWith("gemma-3") ? 131_072 : 1_048_576;
        models.put(bare, new Model(bare, embedding, input, embedding ? 1 : 65_536));
    }

    /** A smaller (or larger) {@code inputTokenLimit} for a known model, until {@link #reset()}; false if unknown. */
    public boolean setInputTokenLimit(String name, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("inputTokenLimit must be >= 1");
        }
        return models.computeIfPresent(bare(name), (k, m) -> new Model(m.name(), m.embedding(), limit,
                m.outputTokenLimit())) != null;
    }

    /** null when unknown; accepts "models/x" and "x". */
    public Model find(String name) {
        return name == null ? null : models.get(bare(name));
    }

    public List<Model> all() {
        return models.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    public static String bare(String name) {
        return name.startsWith("models/") ? name.substring(7) : name;
    }

    /** The native {@code Model} resource (ai.google.dev/api/models). */
    public static ObjectNode nativeModel(Model model) {
        ObjectNode node = Json.object();
        node.put("name", "models/" + model.name());
        node.put("version", "001");
        node.put("displayName", displayName(model.name()));
        node.put("description", "Simulated " + displayName(model.name()));
        node.put("inputTokenLimit", model.inputTokenLimit());
        node.put("outputTokenLimit", model.outputTokenLimit());
        ArrayNode methods = node.putArray("supportedGenerationMethods");
        model.methods().forEach(methods::add);
        if (!model.embedding()) {
            node.put("temperature", 1.0);
            node.put("topP", 0.95);
            node.put("topK", 64);
            node.put("maxTemperature", 2.0);
            node.put("thinking", model.thinking());
        }
        return node;
    }

    /** The OpenAI-compatible model object; Gemini's compat surface names ids "models/x". */
    public static ObjectNode openAiModel(Model model) {
        ObjectNode node = Json.object();
        node.put("id", "models/" + model.name());
        node.put("object", "model");
        node.put("created", 0);
        node.put("owned_by", "google");
        return node;
    }

    private static String displayName(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("-")) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }
}
