package dev.geminigateway.quota;

import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one upstream attempt holds in a project's ledger: one request of the minute and of the day, and its
 * estimated input tokens. It is kept on the exchange under {@link #ATTRIBUTE} (the latest attempt's), so that whoever
 * sees the real usage can call {@link QuotaLedgers#reconcile(QuotaReservation, long)}; an attempt Gemini did not
 * count is {@link QuotaLedgers#refund(QuotaReservation) refunded}. Both are idempotent.
 */
public final class QuotaReservation {

    /** Exchange attribute holding the {@code QuotaReservation} of the attempt whose answer the client gets. */
    public static final String ATTRIBUTE = QuotaReservation.class.getName();

    private final String group;
    private final String project;
    private final String model;
    private final Instant at;
    private final LocalDate pacificDay;
    private final boolean dayCharged;
    private final AtomicLong tokens;
    private final AtomicBoolean refunded = new AtomicBoolean();
    /** The ledger's own record of this reservation (a window entry); null when no limit was counted. */
    final Object entry;

    /** For a {@link QuotaLedgers} implementation: {@code entry} is its own record, handed back by {@link #entry()}. */
    public QuotaReservation(String group, String project, String model, Instant at, LocalDate pacificDay, long tokens,
            boolean dayCharged, Object entry) {
        this.group = group;
        this.project = project;
        this.model = model;
        this.at = at;
        this.pacificDay = pacificDay;
        this.tokens = new AtomicLong(tokens);
        this.dayCharged = dayCharged;
        this.entry = entry;
    }

    /** A reservation that counts against nothing: no limit is known for (project, model), or proactive mode is off. */
    public static QuotaReservation untracked(String group, String project, String model, Instant at, long tokens) {
        return new QuotaReservation(group, project, model, at, null, tokens, false, null);
    }

    public String group() {
        return group;
    }

    public String project() {
        return project;
    }

    public String model() {
        return model;
    }

    public Instant at() {
        return at;
    }

    /** The Pacific date whose RPD it was charged to (null when RPD was not counted). */
    public LocalDate pacificDay() {
        return pacificDay;
    }

    /** Input tokens currently charged: the estimate, or the real count once reconciled. */
    public long tokens() {
        return tokens.get();
    }

    /** The ledger's own record of this reservation; null when no limit was counted. */
    public Object entry() {
        return entry;
    }

    public boolean tracked() {
        return entry != null || dayCharged;
    }

    public boolean dayCharged() {
        return dayCharged;
    }

    public boolean refunded() {
        return refunded.get();
    }

    /** Swaps the charged token count; returns the previous one. */
    public long swapTokens(long real) {
        return tokens.getAndSet(real);
    }

    /** True the first time only. */
    public boolean markRefunded() {
        return refunded.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return "QuotaReservation[" + project + "/" + model + ", tokens=" + tokens.get() + (refunded.get() ? ", refunded" : "")
                + "]";
    }
}
