package dev.geminigateway.rotation;

/** Exchange attributes KeyRotation leaves for logs and metrics. */
public final class KeyRotationAttributes {

    /** {@code Long}: nanoseconds the request spent choosing keys, all attempts together. */
    public static final String SELECTION_NANOS = KeyRotationAttributes.class.getName() + ".selectionNanos";

    /** {@code String}: the project of the key of the latest attempt (the one that answered, once the loop is done). */
    public static final String PROJECT = KeyRotationAttributes.class.getName() + ".project";

    private KeyRotationAttributes() {
    }
}
