package dev.geminigateway.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToIntFunction;

/**
 * Remembers the token counts of long texts, because chat clients resend the whole conversation on every turn: turn
 * 40 of a 1 MB conversation then costs one SHA-256 over the text (hundreds of MB/s) instead of tokenizing it again
 * (about 10 MB/s with o200k).
 * <p>
 * A fixed table of slots indexed by the text's SHA-256, each holding the digest's first 128 bits and the count: a
 * new text simply takes its slot over. So memory is bounded (slots x ~40 bytes), lookups are lock-free, no text is
 * kept, and a client cannot craft a text that collides with a short one to pass the limit (SHA-256, not hashCode).
 */
final class TokenCountCache {

    /** Shorter texts are counted directly: hashing would save little. */
    static final int MIN_CHARS = 256;

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    /** {@code slots} is rounded up to a power of two. */
    TokenCountCache(int slots) {
        int size = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    int count(String text, ToIntFunction<String> counter) {
        if (text.length() < MIN_CHARS) {
            return counter.applyAsInt(text);
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256(text));
        long high = digest.getLong();
        long low = digest.getLong();
        int slot = (int) low & mask;
        Entry entry = slots.get(slot);
        if (entry != null && entry.high == high && entry.low == low) {
            return entry.tokens;
        }
        int tokens = counter.applyAsInt(text);
        slots.set(slot, new Entry(high, low, tokens));
        return tokens;
    }

    private static byte[] sha256(String text) {
        return SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One digest per thread instead of a provider lookup for every long text. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every Java platform provides SHA-256", ex);
        }
    });

    private record Entry(long high, long low, int tokens) {
    }
}
