package dev.geminigateway.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.springframework.core.io.buffer.DataBuffer;

import dev.geminigateway.attempt.Usage;

/**
 * Finds the usage in a server-sent-event stream as its bytes pass by, without holding the stream back.
 * <p>
 * Feed it every chunk in order, then ask {@link #result()}. Events may be split anywhere across chunks; lines may end
 * in CRLF (Gemini native), LF (OpenAI compat) or CR. Only {@code data:} lines are kept, and only for the event being
 * read. An event that names usage ({@code "usageMetadata"}, or a non-null {@code "usage"}) replaces the previous such
 * event, by swapping two buffers; nothing is parsed until {@link #result()}, which parses that one event. This gives
 * the last event's usage, which is what both surfaces need: native events carry running totals (the last wins, never
 * sum them), compat sends usage in one final chunk, and {@code [DONE]} names no usage.
 * <p>
 * One scanner per stream; not thread-safe (a reactive stream delivers its chunks one at a time).
 */
public final class SseUsageScanner {

    /** Events larger than this (e.g. a generated image) are skipped: the previous event's usage stands. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private static final int SCRATCH_BYTES = 8192;
    private static final byte[] DATA_FIELD = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEWLINE = {'\n'};
    private static final byte[] QUOTED_USAGE = "\"usage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] METADATA_SUFFIX = "Metadata\"".getBytes(StandardCharsets.US_ASCII);

    private enum Line { START, DATA_FIRST, DATA, SKIP }

    private final int maxEventBytes;

    private Line line = Line.START;
    private final byte[] fieldName = new byte[DATA_FIELD.length];
    private int fieldNameLength;
    private boolean afterCarriageReturn;

    private byte[] event = new byte[1024];
    private int eventLength;
    private boolean eventHasData;
    private boolean eventOverflowed;

    private byte[] lastUsageEvent = new byte[1024];
    private byte[] scratch;
    private int lastUsageEventLength = -1;

    public SseUsageScanner() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseUsageScanner(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive");
        }
        this.maxEventBytes = maxEventBytes;
    }

    public void feed(byte[] chunk) {
        feed(chunk, 0, chunk.length);
    }

    public void feed(byte[] chunk, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            byte b = chunk[i];
            if (b == '\n' || b == '\r') {
                boolean secondHalfOfCrLf = b == '\n' && afterCarriageReturn;
                afterCarriageReturn = b == '\r';
                if (!secondHalfOfCrLf) {
                    endOfLine();
                }
                i++;
                continue;
            }
            afterCarriageReturn = false;
            switch (line) {
                case START -> {
                    fieldName[fieldNameLength++] = b;
                    if (fieldNameLength == DATA_FIELD.length) {
                        line = Arrays.equals(fieldName, DATA_FIELD) ? Line.DATA_FIRST : Line.SKIP;
                        if (line == Line.DATA_FIRST && eventHasData) {
                            append(NEWLINE, 0, 1);
                        }
                        eventHasData |= line == Line.DATA_FIRST;
                    }
                    i++;
                }
                case DATA_FIRST -> {
                    line = Line.DATA;
                    if (b == ' ') {
                        i++;
                    }
                }
                case DATA -> {
                    int lineEnd = lineEnd(chunk, i, end);
                    append(chunk, i, lineEnd - i);
                    i = lineEnd;
                }
                case SKIP -> i = lineEnd(chunk, i, end);
            }
        }
    }

    /** Reads the buffer's readable bytes without consuming them, so the same buffer can still be written out. */
    public void feed(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        if (view.hasArray()) {
            feed(view.array(), view.arrayOffset() + view.position(), view.remaining());
            return;
        }
        // Netty's buffers are direct: read them through one scratch array per stream, not one per chunk.
        if (scratch == null) {
            scratch = new byte[SCRATCH_BYTES];
        }
        while (view.hasRemaining()) {
            int n = Math.min(scratch.length, view.remaining());
            view.get(scratch, 0, n);
            feed(scratch, 0, n);
        }
    }

    /** Peeks at a response chunk without moving its read position or releasing it. */
    public void feed(DataBuffer buffer) {
        try (DataBuffer.ByteBufferIterator buffers = buffer.readableByteBuffers()) {
            while (buffers.hasNext()) {
                feed(buffers.next());
            }
        }
    }

    /** The usage of the last event that had one; call when the stream has ended (a last unterminated event counts). */
    public Optional<Usage> result() {
        if (line != Line.START || fieldNameLength > 0) {
            endOfLine();
        }
        dispatch();
        return lastUsageEventLength < 0 ? Optional.empty()
                : UsageExtractor.fromJson(lastUsageEvent, 0, lastUsageEventLength);
    }

    private static int lineEnd(byte[] chunk, int from, int end) {
        for (int i = from; i < end; i++) {
            if (chunk[i] == '\n' || chunk[i] == '\r') {
                return i;
            }
        }
        return end;
    }

    private void endOfLine() {
        if (line == Line.START && fieldNameLength == 0) {
            dispatch();
        }
        // a line shorter than "data:" (a comment ":" or a bare field name) carries nothing we need
        line = Line.START;
        fieldNameLength = 0;
    }

    private void append(byte[] bytes, int offset, int length) {
        if (eventOverflowed || length == 0) {
            return;
        }
        if (eventLength + length > maxEventBytes) {
            eventOverflowed = true;
            return;
        }
        if (eventLength + length > event.length) {
            event = Arrays.copyOf(event, Math.min(maxEventBytes, Math.max(event.length * 2, eventLength + length)));
        }
        System.arraycopy(bytes, offset, event, eventLength, length);
        eventLength += length;
    }

    /** Blank line: the event is complete. Keep it (by swapping buffers, no copy) if it reports usage. */
    private void dispatch() {
        if (eventHasData && !eventOverflowed && namesUsage(event, eventLength)) {
            byte[] previous = lastUsageEvent;
            lastUsageEvent = event;
            lastUsageEventLength = eventLength;
            event = previous;
        }
        eventLength = 0;
        eventHasData = false;
        eventOverflowed = false;
    }

    /**
     * True for a property named {@code usageMetadata}, or {@code usage} with a value other than null (OpenAI streams
     * with {@code include_usage} put {@code "usage":null} in every chunk but the last). Text that merely mentions
     * "usage" inside a JSON string does not match: its quotes are escaped.
     */
    static boolean namesUsage(byte[] data, int length) {
        int from = 0;
        while (true) {
            int at = ByteSearch.indexOf(data, from, length, QUOTED_USAGE);
            if (at < 0) {
                return false;
            }
            int next = at + QUOTED_USAGE.length;
            if (regionEquals(data, next, length, METADATA_SUFFIX)) {
                return true;
            }
            if (next < length && data[next] == '"') {
                int value = skipWhitespace(data, next + 1, length);
                if (value < length && data[value] == ':') {
                    value = skipWhitespace(data, value + 1, length);
                    if (value < length && data[value] != 'n') {
                        return true;
                    }
                }
            }
            from = next;
        }
    }

    private static boolean regionEquals(byte[] data, int from, int length, byte[] expected) {
        if (from + expected.length > length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (data[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int skipWhitespace(byte[] data, int from, int length) {
        int i = from;
        while (i < length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')) {
            i++;
        }
        return i;
    }
}
