package dev.geminigateway.selection;

import java.time.Instant;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaReservation;

/** The answer of a {@link KeySelector}: a key, or why none can serve now. */
public sealed interface Selection {

    /**
     * A key, and the quota its project now holds for this attempt (null when the selector keeps no ledgers); the
     * caller settles it once the attempt's outcome is known.
     */
    record Selected(ApiKey key, QuotaReservation reservation) implements Selection {

        public Selected(ApiKey key) {
            this(key, null);
        }
    }

    /**
     * No key can serve now. {@code earliest} is the first moment one frees up (null if none will by itself);
     * {@code allQuarantined} says every key is quarantined or disabled, which waiting cannot fix;
     * {@code quotaLimit} is set when some otherwise usable project was passed over because its quota ledger had no
     * room for the request (the limit that was short for the project that frees up first).
     */
    record Unavailable(Instant earliest, boolean allQuarantined, QuotaMetric quotaLimit) implements Selection {

        public Unavailable(Instant earliest, boolean allQuarantined) {
            this(earliest, allQuarantined, null);
        }

        /** Some project lacked quota headroom (not only cooldowns or key states). */
        public boolean quotaLimited() {
            return quotaLimit != null;
        }
    }
}
