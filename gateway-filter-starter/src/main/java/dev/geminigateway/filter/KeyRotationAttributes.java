package dev.geminigateway.filter;

/** Exchange attributes KeyRotation leaves for logs and metrics. */
public final class KeyRotationAttributes {

    /** {@code List<String>}: fingerprints of the keys tried, in order. */
    public static final String TRIED_KEYS = KeyRotationAttributes.class.getName() + ".triedKeys";

    /** {@code Long}: nanoseconds the request spent choosing keys, all attempts together. */
    public static final String SELECTION_NANOS = KeyRotationAttributes.class.getName() + ".selectionNanos";

    private KeyRotationAttributes() {
    }
}
