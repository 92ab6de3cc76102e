package dev.geminigateway.rotation;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds retries after upstream trouble (5xx, transport) to a share of the traffic, so that a Gemini outage is
 * not multiplied by the gateway: every request deposits {@code ratio} of a retry, every retry withdraws one,
 * and a small floor keeps retries possible at low traffic. Rotation after a quota 429 is not a retry and is not
 * counted here. Lock-free; amounts are kept in thousandths.
 */
public class RetryBudget {

    private static final long UNIT = 1000;

    private final long depositPerRequest;
    private final long cap;
    private final AtomicLong balance;

    public RetryBudget(double ratio, int minRetries) {
        this.depositPerRequest = Math.round(ratio * UNIT);
        this.cap = Math.max(minRetries, 1) * UNIT + depositPerRequest * 100;
        this.balance = new AtomicLong(Math.max(minRetries, 1) * UNIT);
    }

    public void onRequest() {
        balance.accumulateAndGet(depositPerRequest, (current, add) -> Math.min(cap, current + add));
    }

    /** Takes one retry from the budget; false when it is spent. */
    public boolean tryWithdraw() {
        while (true) {
            long current = balance.get();
            if (current < UNIT) {
                return false;
            }
            if (balance.compareAndSet(current, current - UNIT)) {
                return true;
            }
        }
    }
}
