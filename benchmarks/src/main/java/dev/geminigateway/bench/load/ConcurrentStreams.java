package dev.geminigateway.bench.load;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Many slow SSE streams open at once through the gateway: {@code --streams} streamed chat completions started
 * evenly over {@code --ramp-seconds}, each paced by the simulator ({@code x-sim-chunks} events, one every
 * {@code x-sim-interval-ms}), so that all are open together for a while. A stream counts as completed only when it
 * ended with {@code [DONE]} after a 200; anything else (status, reset, timeout, clean end without [DONE]) is dropped.
 * <pre>
 * java -cp benchmarks.jar dev.geminigateway.bench.load.ConcurrentStreams --url http://127.0.0.1:4806/v1/chat/completions \
 *     --auth "Bearer token" --streams 5000 --ramp-seconds 10 --chunks 30 --interval-ms 1000 --out streams.json
 * </pre>
 */
public final class ConcurrentStreams {

    private ConcurrentStreams() {
    }

    public static void main(String[] argv) throws Exception {
        LoadArgs args = new LoadArgs(argv);
        int streams = args.integer("streams", 5000);
        int rampSeconds = args.integer("ramp-seconds", 10);
        int chunks = args.integer("chunks", 30);
        int intervalMs = args.integer("interval-ms", 1000);
        int timeoutSeconds = args.integer("timeout-seconds", rampSeconds + chunks * intervalMs / 1000 + 60);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();

        AtomicInteger open = new AtomicInteger();
        AtomicInteger maxOpen = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        AtomicLong events = new AtomicLong();
        LongAccumulator maxGapMicros = new LongAccumulator(Math::max, 0);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        CompletableFuture<?>[] all = new CompletableFuture<?>[streams];

        long start = System.nanoTime();
        long spacingNanos = TimeUnit.SECONDS.toNanos(rampSeconds) / Math.max(1, streams);
        for (int i = 0; i < streams; i++) {
            long due = start + i * spacingNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            StreamCounter counter = new StreamCounter(open, maxOpen, events, maxGapMicros);
            all[i] = client.sendAsync(
                    args.streamRequest(Duration.ofSeconds(timeoutSeconds), "x-sim-chunks", Integer.toString(chunks),
                            "x-sim-interval-ms", Integer.toString(intervalMs)),
                    HttpResponse.BodyHandlers.fromLineSubscriber(counter))
                    .whenComplete((response, error) -> {
                        if (response != null) {
                            statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        }
                        boolean ok = error == null && response.statusCode() == 200 && counter.sawDone();
                        counter.close();
                        (ok ? completed : dropped).incrementAndGet();
                        if (!ok && errors.size() < 5) {
                            errors.add(error != null ? error.getClass().getSimpleName() + ": " + error.getMessage()
                                    : "status " + response.statusCode() + (counter.sawDone() ? "" : " without [DONE]"));
                        }
                    });
            if (i % 500 == 499) {
                progress(start, i + 1, open, completed, dropped);
            }
        }
        CompletableFuture<Void> finished = CompletableFuture.allOf(all).exceptionally(e -> null);
        while (!finished.isDone()) {
            try {
                finished.get(2, TimeUnit.SECONDS);
            }
            catch (java.util.concurrent.TimeoutException e) {
                progress(start, streams, open, completed, dropped);
            }
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(timeoutSeconds + 30L)) {
                break;
            }
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        StringBuilder status = new StringBuilder("{");
        statuses.forEach((code, count) -> status.append(status.length() > 1 ? "," : "").append('"').append(code)
                .append("\":").append(count.get()));
        status.append('}');
        String json = "{\"streams\":" + streams + ",\"completed\":" + completed.get() + ",\"dropped\":"
                + (streams - completed.get()) + ",\"max_open\":" + maxOpen.get() + ",\"events\":" + events.get()
                + ",\"max_gap_us\":" + maxGapMicros.get() + ",\"chunks\":" + chunks + ",\"interval_ms\":" + intervalMs
                + ",\"elapsed_ms\":" + elapsedMs + ",\"statuses\":" + status + ",\"errors\":" + quote(errors) + "}";
        System.out.println(json);
        String out = args.get("out", "");
        if (!out.isEmpty()) {
            Files.writeString(Path.of(out), json + "\n");
        }
        System.exit(0);
    }

    private static void progress(long start, int started, AtomicInteger open, AtomicInteger completed,
            AtomicInteger dropped) {
        System.err.printf("t=%ds started=%d open=%d completed=%d dropped=%d%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), started, open.get(), completed.get(),
                dropped.get());
    }

    private static String quote(Iterable<String> values) {
        StringBuilder json = new StringBuilder("[");
        for (String value : values) {
            json.append(json.length() > 1 ? "," : "").append('"')
                    .append(value == null ? "" : value.replace("\\", "\\\\").replace("\"", "'")).append('"');
        }
        return json.append(']').toString();
    }

    /** Counts one stream's SSE events; the stream is open from its first event until it ends. */
    static final class StreamCounter implements Flow.Subscriber<String> {

        private final AtomicInteger open;
        private final AtomicInteger maxOpen;
        private final AtomicLong events;
        private final LongAccumulator maxGapMicros;
        private volatile boolean opened;
        private volatile boolean done;
        private volatile boolean closed;
        private long last;

        StreamCounter(AtomicInteger open, AtomicInteger maxOpen, AtomicLong events, LongAccumulator maxGapMicros) {
            this.open = open;
            this.maxOpen = maxOpen;
            this.events = events;
            this.maxGapMicros = maxGapMicros;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!line.startsWith("data:")) {
                return;
            }
            long now = System.nanoTime();
            if (line.contains("[DONE]")) {
                done = true;
                return;
            }
            events.incrementAndGet();
            if (!opened) {
                opened = true;
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            }
            else {
                maxGapMicros.accumulate((now - last) / 1000);
            }
            last = now;
        }

        @Override
        public void onError(Throwable throwable) {
            close();
        }

        @Override
        public void onComplete() {
            close();
        }

        boolean sawDone() {
            return done;
        }

        synchronized void close() {
            if (opened && !closed) {
                closed = true;
                open.decrementAndGet();
            }
        }
    }
}
