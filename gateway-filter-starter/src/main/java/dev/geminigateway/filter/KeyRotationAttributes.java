package dev.geminigateway.filter;

/** Exchange attributes KeyRotation leaves for logs and metrics. */
public final class KeyRotationAttributes {

    /** {@code List<String>}: fingerprints of the keys tried, in order. */
    public static final String TRIED_KEYS = KeyRotationAttributes.class.getName() + ".triedKeys";

    private KeyRotationAttributes() {
    }
}
