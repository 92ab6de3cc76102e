package dev.geminigateway.web;

/** Names of the exchange attributes our filters share. */
public final class GeminiExchangeAttributes {

    private static final String PREFIX = GeminiExchangeAttributes.class.getName() + ".";

    /** {@code byte[]}: the request body, read once with a byte cap and replayed on every attempt. */
    public static final String REQUEST_BODY = PREFIX + "requestBody";
    /** {@link Surface}: the surface the client called, decided before any path rewrite. */
    public static final String SURFACE = PREFIX + "surface";
    /** {@code String}: the model the request names, without a {@code models/} prefix. */
    public static final String MODEL = PREFIX + "model";
    /** {@code Long}: input tokens estimated by TokenLimit, for quota reservations. */
    public static final String ESTIMATED_TOKENS = PREFIX + "estimatedTokens";
    /** {@code String}: the authenticated client's name, {@code token-<fingerprint>} if unnamed (set by ClientAuth; never the token). */
    public static final String CLIENT_ID = PREFIX + "clientId";

    private GeminiExchangeAttributes() {
    }
}
