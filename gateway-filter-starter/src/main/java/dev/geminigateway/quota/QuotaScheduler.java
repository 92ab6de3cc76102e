package dev.geminigateway.quota;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import dev.geminigateway.outcome.PacificDay;
import dev.geminigateway.outcome.UpstreamOutcome;

/**
 * Quota-aware scheduling: offers a project only when its ledger has room for the request
 * ({@link #admit(String, String, String, long)}), and settles each attempt by its outcome
 * ({@link #settle(QuotaReservation, UpstreamOutcome, Throwable)}): limits Gemini states in a 429 are learned, and
 * what Gemini did not count is refunded. With {@code proactive} off the ledgers are not consulted (reactive mode:
 * only Gemini's 429s and the resulting cooldowns steer the rotation), but limits are still learned.
 */
public class QuotaScheduler {

    private static final Log log = LogFactory.getLog(QuotaScheduler.class);

    private final QuotaPolicy policy;
    private final QuotaLedgers ledgers;
    private final QuotaMetrics metrics;
    private final Clock clock;
    private volatile boolean proactive;

    public QuotaScheduler(QuotaPolicy policy, QuotaLedgers ledgers, QuotaMetrics metrics, Clock clock, boolean proactive) {
        this.policy = policy;
        this.ledgers = ledgers;
        this.metrics = metrics;
        this.clock = clock;
        this.proactive = proactive;
    }

    public boolean proactive() {
        return proactive;
    }

    /** Switches between proactive and reactive scheduling at run time (benchmarks, an operator's kill switch). */
    public void setProactive(boolean proactive) {
        this.proactive = proactive;
    }

    public QuotaPolicy policy() {
        return policy;
    }

    public QuotaLedgers ledgers() {
        return ledgers;
    }

    /** May (project, model) take this request now? A grant holds a reservation until settled. */
    public Mono<Admission> admit(String group, String project, String model, long inputTokens) {
        if (!proactive) {
            return Mono.just(new Admission.Granted(QuotaReservation.untracked(group, project, model, clock.instant(),
                    inputTokens)));
        }
        QuotaLimits limits = policy.limits(group, project, model);
        if (limits.any()) {
            metrics.watch(group, project, model, metric -> headroomOf(group, project, model, metric),
                    metric -> limitOf(group, project, model, metric));
        }
        return ledgers.tryReserve(group, project, model, limits, inputTokens);
    }

    /**
     * After an attempt: learns a limit from a quota 429, and refunds the reservation when Gemini did not count the
     * attempt (see {@link #countedByGemini(UpstreamOutcome, Throwable)}).
     */
    public void settle(QuotaReservation reservation, UpstreamOutcome outcome, Throwable error) {
        if (reservation == null) {
            return;
        }
        boolean counted = countedByGemini(outcome, error);
        if (counted && !outcome.kind().isQuota()) {
            // the usual case, a success: nothing to refund, nothing to learn
            return;
        }
        // Refund first: a day limit learned next leaves nothing of today, the refunded request included.
        Mono<Void> settled = counted ? Mono.empty() : ledgers.refund(reservation);
        if (outcome.kind().isQuota() && outcome.learnedLimit() > 0) {
            Optional<QuotaMetric> metric = QuotaMetric.fromQuotaId(outcome.quotaId());
            if (metric.isPresent()) {
                learn(reservation.group(), reservation.project(), reservation.model(), metric.get(), outcome.learnedLimit());
                // Gemini says the project is at that limit now, whatever this ledger counted.
                settled = settled.then(Mono.defer(() -> ledgers.exhaust(reservation.project(), reservation.model(),
                        metric.get(), policy.limits(reservation.group(), reservation.project(), reservation.model()))));
            }
        }
        background(settled);
    }

    /** Records a limit Gemini stated for (project, model) (from a 429, or an operator who knows it). */
    public void learn(String group, String project, String model, QuotaMetric metric, long value) {
        if (policy.learn(project, model, metric, value)) {
            log.info("Learned " + metric.tag() + " limit " + value + " for project " + project + " and model " + model);
            background(ledgers.share(project, model, metric, value, PacificDay.nextMidnight(clock.instant())));
        }
        metrics.watch(group, project, model, m -> headroomOf(group, project, model, m),
                m -> limitOf(group, project, model, m));
    }

    /**
     * How long until (project, model) has room for {@code inputTokens} (zero: now or not proactive; empty: never),
     * without reserving: for projects passed over for another reason, such as a cooldown.
     */
    public Mono<Duration> untilRoom(String group, String project, String model, long inputTokens) {
        if (!proactive) {
            return Mono.just(Duration.ZERO);
        }
        QuotaLimits limits = policy.limits(group, project, model);
        return limits.any() ? ledgers.untilRoom(project, model, limits, inputTokens) : Mono.just(Duration.ZERO);
    }

    /** @see QuotaLedgers#reconcile(QuotaReservation, long) */
    public void reconcile(QuotaReservation reservation, long realInputTokens) {
        background(ledgers.reconcile(reservation, realInputTokens));
    }

    /** Ledger updates nobody waits for; the ledgers log their own outages. */
    private static void background(Mono<Void> update) {
        update.subscribe(done -> {
        }, error -> log.debug("Quota ledger update failed: " + error));
    }

    /** The gateway answered 429 itself: no project had headroom within the allowed wait. */
    public void onLocalRejection(String group, QuotaMetric metric) {
        metrics.rejected(group, metric);
    }

    public void onWait(String group, Duration waited, boolean served) {
        metrics.waited(group, waited, served);
    }

    /**
     * Whether Gemini counted an attempt against the project's quota. A 429 did not count (Gemini rejects before it
     * counts), nor did an invalid or forbidden key (refused before quota), nor a connection that was never made.
     * Everything else is kept: a success, and, conservatively, 4xx request errors, 5xx and transport failures after
     * the request was sent. Whether Gemini counts those is not documented; counting them too costs a little
     * headroom, counting them too little costs a 429.
     */
    public static boolean countedByGemini(UpstreamOutcome outcome, Throwable error) {
        return switch (outcome.kind()) {
            case SUCCESS, CLIENT_ERROR, RESOURCE_DENIED, KEY_SUSPECT, SERVER_ERROR -> true;
            case TRANSPORT -> !(error instanceof ConnectException || (error != null && error.getCause() instanceof ConnectException));
            case MINUTE_QUOTA, DAY_QUOTA, TOKEN_QUOTA, MODEL_UNAVAILABLE, CAPACITY, KEY_INVALID, KEY_FORBIDDEN,
                    PROJECT_DISABLED, EGRESS_PROXY, EGRESS_LOCATION, BILLING_EXHAUSTED -> false;
        };
    }

    private double limitOf(String group, String project, String model, QuotaMetric metric) {
        long value = policy.limits(group, project, model).get(metric);
        return value == QuotaLimits.NONE ? Double.NaN : value;
    }

    private double headroomOf(String group, String project, String model, QuotaMetric metric) {
        QuotaLimits limits = policy.limits(group, project, model);
        long value = ledgers.headroom(project, model, limits).get(metric);
        return value == QuotaLimits.NONE ? Double.NaN : value;
    }
}
