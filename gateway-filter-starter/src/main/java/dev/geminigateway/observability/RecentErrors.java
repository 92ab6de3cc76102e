package dev.geminigateway.observability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code capacity} upstream answers that were not a success, newest first, in a fixed ring: recording one is
 * an atomic increment and one slot write, and memory never grows. Entries carry a key's id and masked form, project,
 * model and classification only: never a key, never anything the client sent.
 */
public class RecentErrors {

    /**
     * One classified non-success answer.
     *
     * @param code Gemini's reason ({@code API_KEY_INVALID}, a {@code quotaId}, a status name) or the outcome's name
     * @param explanation what it means, in plain words
     * @param action what the gateway did about it
     */
    public record Entry(Instant at, String keyId, String masked, String group, String project, String model,
            int status, String outcome, String code, String explanation, String action) {
    }

    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong written = new AtomicLong();

    public RecentErrors(int capacity) {
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    public void add(Entry entry) {
        long n = written.getAndIncrement();
        ring.set((int) (n % ring.length()), entry);
    }

    /** Newest first, at most {@code capacity}. */
    public List<Entry> recent() {
        long end = written.get();
        List<Entry> entries = new ArrayList<>(ring.length());
        for (long n = end - 1; n >= 0 && n >= end - ring.length(); n--) {
            Entry entry = ring.get((int) (n % ring.length()));
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    public int capacity() {
        return ring.length();
    }
}
