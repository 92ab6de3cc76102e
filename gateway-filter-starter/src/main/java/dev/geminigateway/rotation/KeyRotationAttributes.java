package dev.geminigateway.rotation;

/** Exchange attributes KeyRotation leaves for logs and metrics. */
public final class KeyRotationAttributes {

    /** {@code Long}: nanoseconds the request spent choosing keys, all attempts together. */
    public static final String SELECTION_NANOS = KeyRotationAttributes.class.getName() + ".selectionNanos";

    private KeyRotationAttributes() {
    }
}
