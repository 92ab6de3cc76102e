package dev.geminigateway.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.model.ModelTable;
import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

/**
 * Turns each attempt's outcome into key and project state: quarantine on key-level evidence only (a suspect 403
 * first needs a failed probe), a cooldown of the project for the model on a quota 429, a sideline (a short rest)
 * after repeated failures that are the key's own, and nothing at all for request or resource errors,
 * shared-capacity 429s or an upstream storm, so that neither a client nor a Gemini outage can empty the pool. A key
 * an operator disabled is never changed.
 */
public class KeyHealthRecorder {

    /**
     * A 5xx counts against a key only while its group is otherwise healthy for the model: a success rate (EWMA
     * over recent attempts of all keys) at or above this. In a storm the rate drops within two or three failures,
     * so the storm blames no key.
     */
    static final double HEALTHY_SUCCESS_RATE = 0.7;
    private static final double ALPHA = 0.2;

    private static final Log log = LogFactory.getLog(KeyHealthRecorder.class);

    private final KeyStateStore store;
    private final Clock clock;
    private final int sidelineThreshold;
    private final Duration sidelineDuration;
    private final Duration quotaJitter;
    private final SuspectKeyCheck suspects;
    /** Per (group, model), the rate's double bits; bounded, as models come from clients. */
    private final ModelTable<AtomicLong> successRate;

    public KeyHealthRecorder(KeyStateStore store, Clock clock, int sidelineThreshold, Duration sidelineDuration,
            Duration quotaJitter, KnownModels models, SuspectKeyCheck suspects) {
        this.successRate = new ModelTable<>(models, key -> new AtomicLong(Double.doubleToLongBits(1.0)));
        this.store = store;
        this.clock = clock;
        this.sidelineThreshold = sidelineThreshold;
        this.sidelineDuration = sidelineDuration;
        this.quotaJitter = quotaJitter;
        this.suspects = suspects;
    }

    public void record(AttemptRecord attempt) {
        ApiKey key = attempt.key();
        UpstreamOutcome outcome = attempt.outcome();
        Instant now = clock.instant();
        if (disabled(key)) {
            // An operator's DISABLED is sticky: the key is left as it is; only what Gemini said of the project counts.
            if (outcome.kind().isQuota()) {
                coolProject(attempt, outcome);
            }
            return;
        }
        switch (outcome.kind()) {
            case SUCCESS -> {
                store.recordSuccess(key.id());
                if (store.state(key.id()) instanceof KeyState.CoolingDown) {
                    store.setState(key.id(), KeyState.Active.INSTANCE);
                }
                successRate.get(attempt.group(), attempt.model()).getAndUpdate(bits -> Double.doubleToLongBits(
                        Double.longBitsToDouble(bits) * (1 - ALPHA) + ALPHA));
            }
            case KEY_INVALID, KEY_FORBIDDEN, PROJECT_DISABLED -> quarantine(key, now, outcome.reason());
            case KEY_SUSPECT -> suspects.refused(key)
                    .filter(Boolean::booleanValue)
                    .subscribe(refused -> {
                        if (!disabled(key)) {
                            quarantine(key, clock.instant(), outcome.reason() + "; its models listing was refused too");
                        }
                    });
            case MINUTE_QUOTA, TOKEN_QUOTA, DAY_QUOTA, MODEL_UNAVAILABLE, BILLING_EXHAUSTED -> coolProject(attempt, outcome);
            case EGRESS_LOCATION -> log.warn("Gemini refused the location of group " + attempt.group()
                    + "'s egress (\"User location is not supported\"): check its egress proxy; no key is blamed");
            case SERVER_ERROR, TRANSPORT -> {
                double before = Double.longBitsToDouble(successRate.get(attempt.group(), attempt.model())
                        .getAndUpdate(bits -> Double.doubleToLongBits(Double.longBitsToDouble(bits) * (1 - ALPHA))));
                if (before >= HEALTHY_SUCCESS_RATE) {
                    countOwnFailure(key, outcome, now);
                }
            }
            case CAPACITY, CLIENT_ERROR, RESOURCE_DENIED -> {
                // Not the key's fault: no penalty.
            }
        }
    }

    private void quarantine(ApiKey key, Instant now, String reason) {
        store.setState(key.id(), new KeyState.Quarantined(now, reason));
        log.warn("Key " + key.id() + " (" + key.masked() + ") quarantined: " + reason);
    }

    private void coolProject(AttemptRecord attempt, UpstreamOutcome outcome) {
        ApiKey key = attempt.key();
        Instant until = outcome.coolUntil().plus(jitter());
        String model = outcome.kind().coversAllModels() ? Cooldown.ALL_MODELS : attempt.model();
        store.coolDown(new Cooldown(key.project(), model, until, outcome.reason()));
        log.info("Project " + key.project() + " cooling for " + model + " until " + until + ": "
                + outcome.reason());
    }

    private boolean disabled(ApiKey key) {
        return store.state(key.id()) instanceof KeyState.Disabled;
    }

    private void countOwnFailure(ApiKey key, UpstreamOutcome outcome, Instant now) {
        int failures = store.recordFailure(key.id());
        if (failures >= sidelineThreshold) {
            // The count is kept: after the sideline one more failure sidelines the key again (a breaker's half-open).
            // The reason keeps its historic wording: metrics and states already stored in Redis read it.
            store.setState(key.id(), new KeyState.CoolingDown(now.plus(sidelineDuration),
                    "benched after " + failures + " consecutive failures (" + outcome.reason() + ")"));
            log.warn("Key " + key.id() + " sidelined for " + sidelineDuration + " after " + failures + " failures");
        }
    }

    /** (group, model) pairs whose success rate is held. */
    int trackedRates() {
        return successRate.size();
    }

    private Duration jitter() {
        long max = quotaJitter.toMillis();
        return max <= 0 ? Duration.ZERO : Duration.ofMillis(ThreadLocalRandom.current().nextLong(max + 1));
    }
}
