package dev.geminigateway.rotation;

import java.net.URI;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import dev.geminigateway.web.GatewayJson;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.RequestBodyCache;

/**
 * A request sent with a group's fallback model instead of the one the client named: in the path on the native
 * surface ({@code /models/<model>:method}), in the body's {@code model} field on the OpenAI surface. The answer
 * names the model that served it in {@value #HEADER}.
 */
final class ModelFallback {

    /** Response header naming the model that answered, set when it is a fallback. */
    static final String HEADER = "X-Gemini-Served-Model";

    private static final JsonMapper JSON = GatewayJson.MAPPER;

    private ModelFallback() {
    }

    /** {@code request} (credential placed) with {@code tier}'s model, its body replayed from the exchange's cache. */
    static ServerHttpRequest apply(ServerWebExchange exchange, ServerHttpRequest request, Tier tier) {
        if (!tier.fallback()) {
            return RequestBodyCache.replay(exchange, request);
        }
        String path = request.getPath().value();
        String named = "/models/" + tier.requested();
        int at = path.indexOf(named);
        if (at >= 0 && (at + named.length() == path.length() || path.charAt(at + named.length()) == ':'
                || path.charAt(at + named.length()) == '/')) {
            String rewritten = path.substring(0, at) + "/models/" + tier.model() + path.substring(at + named.length());
            URI uri = UriComponentsBuilder.fromUri(request.getURI()).replacePath(rewritten).build(true).toUri();
            return RequestBodyCache.replay(exchange, request.mutate().uri(uri).build());
        }
        byte[] body = exchange.getAttribute(GeminiExchangeAttributes.REQUEST_BODY);
        return RequestBodyCache.replay(request, withModel(body, tier.model()));
    }

    /** The JSON body with its top-level {@code model} replaced (as sent, or with the {@code models/} prefix). */
    static byte[] withModel(byte[] body, String model) {
        if (body == null || body.length == 0) {
            return body == null ? new byte[0] : body;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        }
        catch (JacksonException e) {
            return body;
        }
        if (!(root instanceof ObjectNode object) || !object.hasNonNull("model")) {
            return body;
        }
        boolean prefixed = object.get("model").asString().startsWith("models/");
        object.put("model", prefixed ? "models/" + model : model);
        return JSON.writeValueAsBytes(object);
    }
}
