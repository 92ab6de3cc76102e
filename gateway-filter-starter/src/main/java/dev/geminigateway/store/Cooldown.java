package dev.geminigateway.store;

import java.time.Instant;

/**
 * A project may not be asked for a model until {@code until}. {@code model} "*" covers every model.
 */
public record Cooldown(String project, String model, Instant until, String reason) {

    public static final String ALL_MODELS = "*";

    public boolean activeAt(Instant now) {
        return now.isBefore(until);
    }
}
