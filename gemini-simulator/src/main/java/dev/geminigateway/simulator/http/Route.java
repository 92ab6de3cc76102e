package dev.geminigateway.simulator.http;

/**
 * A parsed API path. Native: {@code /{v1|v1beta|v1alpha}/models[/{model}[:{method}]]};
 * OpenAI: {@code /v1beta/openai/{chat/completions|embeddings|models[/{id}]}}. Parsed by hand: no regex per request.
 */
record Route(Surface surface, Operation operation, String version, String model) {

    static final String OPENAI_PREFIX = "/v1beta/openai/";

    /** null when the path is not an API path or the HTTP method does not fit. */
    static Route parse(String httpMethod, String path) {
        boolean get = "GET".equals(httpMethod);
        boolean post = "POST".equals(httpMethod);
        if (path.startsWith(OPENAI_PREFIX)) {
            String rest = path.substring(OPENAI_PREFIX.length());
            if (post && rest.equals("chat/completions")) return new Route(Surface.OPENAI, Operation.CHAT, "v1beta", null);
            if (post && rest.equals("embeddings")) return new Route(Surface.OPENAI, Operation.EMBEDDINGS, "v1beta", null);
            if (get && rest.equals("models")) return new Route(Surface.OPENAI, Operation.LIST_MODELS, "v1beta", null);
            if (get && rest.startsWith("models/") && rest.length() > 7) {
                return new Route(Surface.OPENAI, Operation.GET_MODEL, "v1beta", bare(rest.substring(7)));
            }
            return null;
        }
        int second = path.indexOf('/', 1);
        if (second < 0) return null;
        String version = path.substring(1, second);
        if (!version.equals("v1") && !version.equals("v1beta") && !version.equals("v1alpha")) return null;
        String rest = path.substring(second + 1);
        if (rest.equals("models")) {
            return get ? new Route(Surface.NATIVE, Operation.LIST_MODELS, version, null) : null;
        }
        if (!rest.startsWith("models/") || rest.length() == 7) return null;
        String resource = rest.substring(7);
        int colon = resource.indexOf(':');
        if (colon < 0) {
            return get && resource.indexOf('/') < 0 ? new Route(Surface.NATIVE, Operation.GET_MODEL, version, resource) : null;
        }
        if (!post) return null;
        String model = resource.substring(0, colon);
        Operation op = switch (resource.substring(colon + 1)) {
            case "generateContent" -> Operation.GENERATE;
            case "streamGenerateContent" -> Operation.STREAM;
            case "countTokens" -> Operation.COUNT_TOKENS;
            case "embedContent" -> Operation.EMBED;
            case "batchEmbedContents" -> Operation.BATCH_EMBED;
            default -> null;
        };
        return op == null || model.isEmpty() ? null : new Route(Surface.NATIVE, op, version, model);
    }

    static boolean isOpenAiPath(String path) {
        return path.startsWith(OPENAI_PREFIX);
    }

    static String bare(String model) {
        return model.startsWith("models/") ? model.substring(7) : model;
    }
}
