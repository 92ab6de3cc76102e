package dev.geminigateway.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One Gemini API key. The secret stays in this object only: everything that can be logged, measured or shown
 * uses {@link #id()} (the first 12 hex digits of its SHA-256) or {@link #masked()} ({@code AIza…X1yZ}).
 * {@link #toString()} is the masked form, so a key that slips into a log line still shows no secret.
 */
public final class ApiKey {

    private final String secret;
    private final String id;
    private final String masked;
    private final String project;
    private final String label;
    private final String group;

    public ApiKey(String secret, String project, String label, String group) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("An API key is empty");
        }
        this.secret = secret.strip();
        this.id = fingerprint(this.secret);
        this.masked = mask(this.secret);
        this.project = project == null || project.isBlank() ? "project-" + id : project;
        this.label = label == null || label.isBlank() ? masked : label;
        this.group = Objects.requireNonNull(group, "group");
    }

    /** The first 12 hex digits of the SHA-256 of the secret: stable, safe to log, store and tag. */
    public static String fingerprint(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.strip().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** The first four and last four characters, the rest elided; very short secrets show nothing. */
    public static String mask(String secret) {
        return secret.length() < 12 ? "…" : secret.substring(0, 4) + "…" + secret.substring(secret.length() - 4);
    }

    public String secret() {
        return secret;
    }

    public String id() {
        return id;
    }

    public String masked() {
        return masked;
    }

    /** The Google Cloud project: Gemini counts quota per project and model, so cooldowns apply per project. */
    public String project() {
        return project;
    }

    public String label() {
        return label;
    }

    public String group() {
        return group;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKey key && key.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return masked + "#" + id;
    }
}
