package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import dev.geminigateway.attempt.Usage;

class SseUsageScannerTest {

    /** Native alt=sse: CRLF framing, usage in every event as running totals (ARCHITECTURE.md §8.4). */
    private static final String NATIVE = ""
            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"The\"}],\"role\":\"model\"}}],"
            + "\"usageMetadata\":{\"promptTokenCount\":7,\"totalTokenCount\":7}}\r\n\r\n"
            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" usage\\\": is a word\"}]}}],"
            + "\"usageMetadata\":{\"promptTokenCount\":7,\"totalTokenCount\":7}}\r\n\r\n"
            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" which is why\"}],\"role\":\"model\"},"
            + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"candidatesTokenCount\":377,\"promptTokenCount\":6,"
            + "\"thoughtsTokenCount\":20,\"totalTokenCount\":403}}\r\n\r\n";

    private static final Usage NATIVE_USAGE = new Usage(6, 397, 403);

    /** OpenAI compat: LF framing, usage:null until the final chunk, then [DONE] (section 4.2). */
    private static final String OPENAI = ""
            + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n"
            + ": keep-alive comment\n\n"
            + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}\n\n"
            + "data: {\"id\":\"c1\",\"choices\":[],\"usage\": null}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"say \\\"usage\\\": 1\"}}]}\n\n"
            + "data: [DONE]\n\n";

    private static final Usage OPENAI_USAGE = new Usage(12, 5, 17);

    @Test
    void nativeCrLfStreamGivesTheLastEventsUsageNotASum() {
        SseUsageScanner scanner = new SseUsageScanner();
        scanner.feed(bytes(NATIVE));
        assertThat(scanner.result()).contains(NATIVE_USAGE);
    }

    @Test
    void openAiLfStreamSkipsNullUsageAndDone() {
        SseUsageScanner scanner = new SseUsageScanner();
        scanner.feed(bytes(OPENAI));
        assertThat(scanner.result()).contains(OPENAI_USAGE);
    }

    @Test
    void eventsSplitAtEveryBytePosition() {
        for (String stream : new String[] {NATIVE, OPENAI}) {
            byte[] all = bytes(stream);
            Usage expected = stream == NATIVE ? NATIVE_USAGE : OPENAI_USAGE;
            for (int split = 0; split <= all.length; split++) {
                SseUsageScanner scanner = new SseUsageScanner();
                scanner.feed(all, 0, split);
                scanner.feed(all, split, all.length - split);
                assertThat(scanner.result()).as("split at %d", split).contains(expected);
            }
        }
    }

    @Test
    void randomChunkingAndByteByByte() {
        Random random = new Random(42);
        byte[] all = bytes(NATIVE);
        for (int round = 0; round < 50; round++) {
            SseUsageScanner scanner = new SseUsageScanner();
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(40));
                scanner.feed(all, at, n);
                at += n;
            }
            assertThat(scanner.result()).contains(NATIVE_USAGE);
        }
        SseUsageScanner scanner = new SseUsageScanner();
        for (byte b : bytes(OPENAI)) {
            scanner.feed(new byte[] {b});
        }
        assertThat(scanner.result()).contains(OPENAI_USAGE);
    }

    @Test
    void multiLineDataAndBareCrFraming() {
        String stream = "event: message\rdata: {\"usageMetadata\":\rdata: {\"promptTokenCount\":9,\"totalTokenCount\":9}}\r\r";
        SseUsageScanner scanner = new SseUsageScanner();
        scanner.feed(bytes(stream));
        assertThat(scanner.result()).contains(new Usage(9, 0, 9));
    }

    @Test
    void unterminatedLastEventStillCounts() {
        SseUsageScanner scanner = new SseUsageScanner();
        scanner.feed(bytes("data: {\"usageMetadata\":{\"promptTokenCount\":1,\"totalTokenCount\":1}}\n\n"
                + "data: {\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":2,\"totalTokenCount\":6}}"));
        assertThat(scanner.result()).contains(new Usage(4, 2, 6));
    }

    @Test
    void midStreamErrorTailIsIgnored() {
        String stream = "data: {\"usageMetadata\":{\"promptTokenCount\":5,\"totalTokenCount\":5}}\r\n\r\n"
                + "{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"overloaded\",\n    \"status\": \"UNAVAILABLE\"\n  }\n}\n";
        SseUsageScanner scanner = new SseUsageScanner();
        scanner.feed(bytes(stream));
        assertThat(scanner.result()).contains(new Usage(5, 0, 5));
    }

    @Test
    void oversizedEventIsSkippedAndThePreviousUsageStands() {
        String big = "x".repeat(200);
        String stream = "data: {\"usageMetadata\":{\"promptTokenCount\":5,\"totalTokenCount\":5}}\n\n"
                + "data: {\"text\":\"" + big + "\",\"usageMetadata\":{\"promptTokenCount\":5,\"totalTokenCount\":99}}\n\n";
        SseUsageScanner scanner = new SseUsageScanner(128);
        scanner.feed(bytes(stream));
        assertThat(scanner.result()).contains(new Usage(5, 0, 5));
    }

    @Test
    void streamWithoutUsage() {
        SseUsageScanner scanner = new SseUsageScanner();
        scanner.feed(bytes("data: {\"choices\":[]}\n\ndata: [DONE]\n\n"));
        assertThat(scanner.result()).isEmpty();
    }

    @Test
    void peeksAtBuffersWithoutConsumingThem() {
        byte[] all = bytes(OPENAI);
        DataBuffer buffer = DefaultDataBufferFactory.sharedInstance.wrap(all);
        SseUsageScanner scanner = new SseUsageScanner();
        scanner.feed(buffer);
        assertThat(buffer.readPosition()).isZero();
        assertThat(buffer.readableByteCount()).isEqualTo(all.length);
        assertThat(scanner.result()).contains(OPENAI_USAGE);

        ByteBuffer direct = ByteBuffer.allocateDirect(all.length).put(all).flip();
        SseUsageScanner directScanner = new SseUsageScanner();
        directScanner.feed(direct);
        assertThat(direct.position()).isZero();
        assertThat(directScanner.result()).contains(OPENAI_USAGE);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
