package dev.geminigateway.health;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * The SSE streams this replica is serving, and their end at shutdown. Graceful shutdown lets streams run on, but
 * only for the shutdown phase's time ({@code spring.lifecycle.timeout-per-shutdown-phase}); after it the server
 * drops every connection still open, which a client cannot tell from a network fault. So shortly before that bound
 * ({@code margin} earlier) every stream still open is ended with its surface's error event (see
 * {@link StreamGuard}), and the client knows to retry. Runs in the web server's graceful-shutdown phase, beside it.
 */
public class OpenStreams implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(OpenStreams.class);

    private final Duration grace;
    private final Duration margin;
    private final AtomicInteger open = new AtomicInteger();
    private volatile Sinks.Empty<Void> closing = Sinks.empty();
    private final AtomicReference<Runnable> stopped = new AtomicReference<>();
    private volatile boolean running;
    private volatile Disposable deadline;
    private volatile boolean closed;

    /**
     * @param grace the shutdown phase's bound
     * @param margin how long before that bound open streams get their error event
     */
    public OpenStreams(Duration grace, Duration margin) {
        this.grace = grace;
        this.margin = margin;
    }

    /** Completes when open streams must end: the guard then sends the error event and closes the stream. */
    Mono<Void> closing() {
        return closing.asMono();
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        if (open.decrementAndGet() == 0) {
            signalStopped();
        }
    }

    public int open() {
        return open.get();
    }

    /**
     * Also a restart after {@link #stop}: a context can be stopped and started again (Spring's test context cache
     * pauses the contexts it is not using), and streams opened after that must not inherit the last stop's end.
     */
    @Override
    public void start() {
        Disposable pending = deadline;
        if (pending != null) {
            pending.dispose();
        }
        if (closed) {
            closing = Sinks.empty();
            closed = false;
        }
        running = true;
    }

    @Override
    public void stop() {
        stop(() -> {
        });
    }

    @Override
    public void stop(Runnable callback) {
        running = false;
        stopped.set(callback);
        Duration wait = grace.minus(margin);
        deadline = Mono.delay(wait.isNegative() ? Duration.ZERO : wait).subscribe(tick -> {
            int streams = open.get();
            if (streams > 0) {
                log.info("Shutdown grace ending: closing " + streams + " open stream(s) with an error event");
            }
            closed = true;
            closing.tryEmitEmpty();
        });
        if (open.get() == 0) {
            signalStopped();
        }
    }

    private void signalStopped() {
        Runnable callback = stopped.getAndSet(null);
        if (callback != null) {
            callback.run();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped together with the web server's graceful shutdown, so both count down the same phase bound. */
    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE;
    }
}
