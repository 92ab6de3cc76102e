package dev.geminigateway.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Usage corrections (an admission's estimated input tokens replaced by the count Gemini reported) waiting to reach
 * Redis, per (project, model). They ride along with that pair's next admission script, so a busy pair costs no
 * round trip of their own; a batch nobody takes within {@code deadline}, or that grows to {@link #MAX_BATCH} or holds
 * a large correction, is sent on its own. Memory: at most {@link #MAX_BATCH} corrections per pair with limits.
 */
final class PendingCorrections {

    /** Corrections in one batch, two script arguments each; a full batch is sent at once. */
    static final int MAX_BATCH = 256;
    /** A correction this large (tokens, either way) is sent at once: other replicas decide on it. */
    static final long LARGE = 8192;

    /** The corrections of one (project, model), completed once Redis has them (or gave up). */
    static final class Batch {

        final String[] keys;
        final List<String> args = new ArrayList<>();
        private final Sinks.Empty<Void> sent = Sinks.empty();
        private Disposable timer;
        private boolean urgent;

        Batch(String[] keys) {
            this.keys = keys;
        }

        /** Completes (never fails) when the batch was sent and answered, or failed. */
        void done() {
            sent.tryEmitEmpty();
        }

        Mono<Void> whenSent() {
            return sent.asMono();
        }
    }

    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    private final Duration deadline;
    private final BiConsumer<String, Batch> send;

    /** @param send sends a batch taken for {@code pair} on its own (its deadline passed, or it is full) */
    PendingCorrections(Duration deadline, BiConsumer<String, Batch> send) {
        this.deadline = deadline;
        this.send = send;
    }

    /** Queues one correction; the Mono completes when Redis has it. */
    Mono<Void> add(String pair, String[] keys, String id, long tokens, long change) {
        Batch[] joined = new Batch[1];
        Batch opened = batches.compute(pair, (p, batch) -> {
            Batch target = batch == null ? new Batch(keys) : batch;
            target.args.add(id);
            target.args.add(Long.toString(tokens));
            target.urgent |= target.args.size() >= 2 * MAX_BATCH || Math.abs(change) >= LARGE;
            joined[0] = target;
            return target;
        });
        Batch batch = joined[0];
        if (batch.urgent) {
            flush(pair, batch);
        }
        else if (opened.timer == null) {
            synchronized (batch) {
                if (batch.timer == null) {
                    batch.timer = Mono.delay(deadline).subscribe(tick -> flush(pair, batch));
                }
            }
        }
        return batch.whenSent();
    }

    /** The pair's waiting corrections, taken to travel with its admission; null when none. */
    Batch take(String pair) {
        Batch batch = batches.remove(pair);
        if (batch != null) {
            cancelTimer(batch);
        }
        return batch;
    }

    /** Sends every waiting batch now (closing); completes when Redis has them all, or they failed. */
    Mono<Void> flushAll() {
        List<Mono<Void>> sent = new ArrayList<>();
        batches.forEach((pair, batch) -> {
            sent.add(batch.whenSent());
            flush(pair, batch);
        });
        return Mono.when(sent);
    }

    int pairs() {
        return batches.size();
    }

    private void flush(String pair, Batch batch) {
        if (batches.remove(pair, batch)) {
            cancelTimer(batch);
            send.accept(pair, batch);
        }
    }

    private static void cancelTimer(Batch batch) {
        synchronized (batch) {
            if (batch.timer != null) {
                batch.timer.dispose();
            }
            batch.timer = Disposables.disposed(); // taken: no timer for it any more
        }
    }
}
