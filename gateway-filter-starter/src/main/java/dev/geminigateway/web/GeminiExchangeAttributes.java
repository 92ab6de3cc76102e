package dev.geminigateway.web;

/** Names of the exchange attributes our filters share. */
public final class GeminiExchangeAttributes {

    private static final String PREFIX = GeminiExchangeAttributes.class.getName() + ".";

    /** {@code byte[]}: the request body, read once with a byte cap and replayed on every attempt. */
    public static final String REQUEST_BODY = PREFIX + "requestBody";
    /** {@code Boolean}: the request body was read to its end (it stays set once the cached copy is released). */
    public static final String REQUEST_BODY_READ = PREFIX + "requestBodyRead";
    /** {@link Surface}: the surface the client called, decided before any path rewrite. */
    public static final String SURFACE = PREFIX + "surface";
    /** {@code String}: the model the request names, without a {@code models/} prefix. */
    public static final String MODEL = PREFIX + "model";
    /** {@code String}: the key group KeyRotation chose for the request (its egress proxy carries the request). */
    public static final String KEY_GROUP = PREFIX + "keyGroup";
    /** {@code Long}: input tokens estimated by TokenLimit, for quota reservations. */
    public static final String ESTIMATED_TOKENS = PREFIX + "estimatedTokens";
    /** {@code String}: the authenticated client's name, {@code token-<fingerprint>} if unnamed (set by ClientAuth; never the token). */
    public static final String CLIENT_ID = PREFIX + "clientId";

    /**
     * {@code ProjectPin}: the project owning a file or cached content the request names, which alone can serve it
     * (set before KeyRotation, read by its key selection).
     */
    public static final String REQUIRED_PROJECT = PREFIX + "requiredProject";

    /**
     * {@code PreferredProjects}: the order of projects a request repeating a long prompt prefix would rather be served
     * by, for Gemini's implicit cache (set by KeyRotation, read by its key selection).
     */
    public static final String PREFERRED_PROJECTS = PREFIX + "preferredProjects";

    private GeminiExchangeAttributes() {
    }
}
