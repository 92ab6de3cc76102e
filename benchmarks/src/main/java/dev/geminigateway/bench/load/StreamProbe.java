package dev.geminigateway.bench.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Streaming latency, one stream at a time so that queueing plays no part: the time from sending a streamed chat
 * completion to its first SSE event, and the gaps between events as they reach the client. A gateway that buffers
 * shows a first event as late as the last and gaps near zero; one that does not shows the simulator's pacing.
 * <pre>
 * java -cp benchmarks.jar dev.geminigateway.bench.load.StreamProbe --url http://127.0.0.1:4806/v1/chat/completions \
 *     --auth "Bearer token" [--header "x-portkey-config: {...}"] --streams 50 --warmup 10 --label c --out probe.json
 * </pre>
 */
public final class StreamProbe {

    private StreamProbe() {
    }

    public static void main(String[] argv) throws Exception {
        LoadArgs args = new LoadArgs(argv);
        int streams = args.integer("streams", 50);
        int warmup = args.integer("warmup", 10);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Long> firstEvent = new ArrayList<>();
        List<Long> gaps = new ArrayList<>();
        List<Long> total = new ArrayList<>();
        int failures = 0;
        long events = 0;
        for (int i = 0; i < warmup + streams; i++) {
            boolean measured = i >= warmup;
            long start = System.nanoTime();
            try {
                HttpResponse<Stream<String>> response = client.send(args.streamRequest(Duration.ofSeconds(60)),
                        HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() != 200) {
                    failures += measured ? 1 : 0;
                    response.body().close();
                    continue;
                }
                long previous = -1;
                boolean done = false;
                try (Stream<String> lines = response.body()) {
                    Iterator<String> it = lines.iterator();
                    while (it.hasNext()) {
                        String line = it.next();
                        if (!line.startsWith("data:")) {
                            continue;
                        }
                        long now = System.nanoTime();
                        if (line.contains("[DONE]")) {
                            done = true;
                            if (measured) {
                                total.add((now - start) / 1000);
                            }
                            continue;
                        }
                        if (measured) {
                            events++;
                            if (previous < 0) {
                                firstEvent.add((now - start) / 1000);
                            }
                            else {
                                gaps.add((now - previous) / 1000);
                            }
                        }
                        previous = now;
                    }
                }
                if (!done && measured) {
                    failures++;
                }
            }
            catch (IOException e) {
                failures += measured ? 1 : 0;
            }
        }
        String json = "{\"label\":\"" + args.get("label", "") + "\",\"streams\":" + streams + ",\"failures\":" + failures
                + ",\"events\":" + events + ",\"first_event_us\":" + Percentiles.json(unbox(firstEvent))
                + ",\"gap_us\":" + Percentiles.json(unbox(gaps)) + ",\"total_us\":" + Percentiles.json(unbox(total))
                + "}";
        System.out.println(json);
        String out = args.get("out", "");
        if (!out.isEmpty()) {
            Files.writeString(Path.of(out), json + "\n");
        }
    }

    static long[] unbox(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
