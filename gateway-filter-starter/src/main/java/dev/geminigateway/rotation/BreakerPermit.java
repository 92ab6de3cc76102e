package dev.geminigateway.rotation;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * One call's permission from the model's upstream breaker, given back exactly once: as the attempt's result when it
 * is judged, or unused when no key was chosen or the attempt was cancelled (the client left) or failed without an
 * answer to judge. A half-open breaker lets only a few trial calls through; a permission never given back would
 * keep it half-open, refusing every request for the model.
 */
final class BreakerPermit {

    private final CircuitBreaker breaker;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private BreakerPermit(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /** A permit, or null when the breaker refuses calls now. */
    static BreakerPermit tryAcquire(CircuitBreaker breaker) {
        return breaker.tryAcquirePermission() ? new BreakerPermit(breaker) : null;
    }

    void succeeded(Duration latency) {
        if (open.compareAndSet(true, false)) {
            breaker.onSuccess(latency.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Upstream trouble (5xx, transport): counts toward opening the breaker, and blames no key. */
    void failed(Duration latency, String reason) {
        if (open.compareAndSet(true, false)) {
            breaker.onError(latency.toNanos(), TimeUnit.NANOSECONDS, new UpstreamTroubleException(reason));
        }
    }

    /** Gives the permission back unused; does nothing once the call was recorded. */
    void release() {
        if (open.compareAndSet(true, false)) {
            breaker.releasePermission();
        }
    }

    /** Marks 5xx and transport failures for the breaker; no stack trace, it is not thrown. */
    static final class UpstreamTroubleException extends RuntimeException {
        UpstreamTroubleException(String message) {
            super(message, null, false, false);
        }
    }
}
