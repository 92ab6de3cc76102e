package dev.geminigateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaPolicy;

import org.springframework.context.SmartLifecycle;

/**
 * Brings the limits other replicas learned from Gemini's 429s ({@link QuotaLedgers#share}) into this replica's
 * {@link QuotaPolicy}: read from Redis at start and then every {@code interval}, in the background. So a limit one
 * replica learned is used by all of them, and by a replica started later, until it expires at the next Pacific
 * midnight.
 */
public class SharedLearnedLimits implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(SharedLearnedLimits.class);
    private static final char SEPARATOR = '\u0000';

    private final RedisQuotaLedgers ledgers;
    private final QuotaPolicy policy;
    private final Duration interval;
    private volatile Disposable polling;

    public SharedLearnedLimits(RedisQuotaLedgers ledgers, QuotaPolicy policy, Duration interval) {
        this.ledgers = ledgers;
        this.policy = policy;
        this.interval = interval;
    }

    /** The Redis hash field of one learned limit. */
    static String field(String project, String model, QuotaMetric metric) {
        return project + SEPARATOR + model + SEPARATOR + metric.tag();
    }

    /** Reads every shared limit once and learns the unexpired ones. */
    Mono<Void> refresh() {
        return ledgers.learnedLimits().doOnNext(this::learnAll).then().onErrorResume(unavailable -> Mono.empty());
    }

    private void learnAll(Map<String, String> shared) {
        shared.forEach((field, value) -> {
            try {
                String[] names = field.split(String.valueOf(SEPARATOR), -1);
                int at = value.lastIndexOf('@');
                QuotaMetric metric = QuotaMetric.valueOf(names[2].toUpperCase(java.util.Locale.ROOT));
                Instant until = Instant.ofEpochMilli(Long.parseLong(value.substring(at + 1)));
                if (policy.learn(names[0], names[1], metric, Long.parseLong(value.substring(0, at)), until)) {
                    log.info("Using the " + metric.tag() + " limit " + value.substring(0, at) + " another replica learned"
                            + " for project " + names[0]);
                }
            }
            catch (RuntimeException malformed) {
                log.debug("Ignoring a malformed shared limit: " + malformed);
            }
        });
    }

    @Override
    public void start() {
        polling = Flux.interval(Duration.ZERO, interval).onBackpressureDrop().concatMap(tick -> refresh()).subscribe();
    }

    @Override
    public void stop() {
        Disposable current = polling;
        if (current != null) {
            current.dispose();
        }
        polling = null;
    }

    @Override
    public boolean isRunning() {
        return polling != null;
    }
}
