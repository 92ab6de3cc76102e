package dev.geminigateway.selection;

import java.time.Instant;

import dev.geminigateway.key.ApiKey;

/** The answer of a {@link KeySelector}: a key, or why none can serve now. */
public sealed interface Selection {

    record Selected(ApiKey key) implements Selection {
    }

    /**
     * No key can serve now. {@code earliest} is the first moment one frees up (null if none will by itself);
     * {@code allQuarantined} says every key is quarantined or disabled, which waiting cannot fix.
     */
    record Unavailable(Instant earliest, boolean allQuarantined) implements Selection {
    }
}
