package dev.geminigateway.rotation;

import java.time.Duration;
import java.time.Instant;

import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaReservation;

/**
 * The quota one request holds: the current attempt's reservation, on the exchange under
 * {@link QuotaReservation#ATTRIBUTE} so that the usage Gemini reports can correct it, and how long the request has
 * waited for room, all attempts together.
 */
final class QuotaHold {

    private final QuotaGate gate;
    private final ServerWebExchange exchange;
    private final String group;
    private QuotaReservation reservation;
    private Instant waitingSince;

    QuotaHold(QuotaGate gate, ServerWebExchange exchange, String group) {
        this.gate = gate;
        this.exchange = exchange;
        this.group = group;
    }

    /** A key was chosen, with what its project reserved for the attempt (null without ledgers). */
    void hold(QuotaReservation reservation, Instant now) {
        waitEnded(now, true);
        this.reservation = reservation;
        if (reservation != null) {
            exchange.getAttributes().put(QuotaReservation.ATTRIBUTE, reservation);
        }
    }

    /** Learns from a 429 and refunds what Gemini did not count; a refunded reservation leaves the exchange. */
    void settle(UpstreamOutcome outcome, Throwable error) {
        QuotaReservation held = reservation;
        if (held == null) {
            return;
        }
        gate.settle(held, outcome, error);
        if (held.refunded()) {
            exchange.getAttributes().remove(QuotaReservation.ATTRIBUTE, held);
        }
        reservation = null;
    }

    /** The last moment the request may still be waiting: the bound is on its whole wait, not on each. */
    Instant waitLimit(Instant now, Duration maxWait) {
        return (waitingSince == null ? now : waitingSince).plus(maxWait);
    }

    void waiting(Instant now) {
        if (waitingSince == null) {
            waitingSince = now;
        }
    }

    void waitEnded(Instant now, boolean served) {
        if (waitingSince != null) {
            gate.onWait(group, Duration.between(waitingSince, now), served);
            waitingSince = null;
        }
    }

    void rejected(QuotaMetric metric) {
        gate.onLocalRejection(group, metric);
    }
}
