package dev.geminigateway.simulator.resources;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Uploaded files, cached contents and open resumable uploads, each owned by the project of the key that created
 * it. Another project sees a resource as absent, as on Gemini. Expired entries read as absent.
 */
public final class ResourceBook {

    /** Gemini keeps an uploaded file for 48 hours. */
    public static final Duration FILE_LIFETIME = Duration.ofHours(48);
    /** A cached content's lifetime when the request names neither ttl nor expireTime. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofHours(1);

    /** An uploaded file; {@code id} is the part after {@code files/}. */
    public record StoredFile(String id, String project, String displayName, String mimeType, long sizeBytes,
            Instant createTime, Instant expirationTime) {

        public String name() {
            return "files/" + id;
        }
    }

    /** A cached content; {@code id} is the part after {@code cachedContents/}. */
    public record StoredCache(String id, String project, String model, String displayName, long tokens,
            Instant createTime, Instant expireTime) {

        public String name() {
            return "cachedContents/" + id;
        }
    }

    /** A resumable upload between its start and its finalize. */
    public record UploadSession(String id, String project, String displayName, String mimeType, long received) {
    }

    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final Map<String, StoredCache> caches = new ConcurrentHashMap<>();
    private final Map<String, UploadSession> uploads = new ConcurrentHashMap<>();

    public StoredFile addFile(String project, String displayName, String mimeType, long sizeBytes, Instant now) {
        StoredFile file = new StoredFile(newId(12), project, displayName, mimeType, sizeBytes, now,
                now.plus(FILE_LIFETIME));
        files.put(file.id(), file);
        return file;
    }

    /** The file if {@code project} owns it and it has not expired; null otherwise. */
    public StoredFile file(String id, String project, Instant now) {
        StoredFile file = files.get(id);
        return file != null && file.project().equals(project) && now.isBefore(file.expirationTime()) ? file : null;
    }

    public boolean deleteFile(String id, String project, Instant now) {
        StoredFile file = file(id, project, now);
        return file != null && files.remove(id, file);
    }

    public List<StoredFile> files(String project, Instant now) {
        return files.values().stream().filter(f -> f.project().equals(project) && now.isBefore(f.expirationTime()))
                .sorted(Comparator.comparing(StoredFile::createTime).reversed()).toList();
    }

    public StoredCache addCache(String project, String model, String displayName, long tokens, Instant now,
            Instant expireTime) {
        StoredCache cache = new StoredCache(newId(16), project, model, displayName, tokens, now, expireTime);
        caches.put(cache.id(), cache);
        return cache;
    }

    /** The cached content if {@code project} owns it and it has not expired; null otherwise. */
    public StoredCache cache(String id, String project, Instant now) {
        StoredCache cache = caches.get(id);
        return cache != null && cache.project().equals(project) && now.isBefore(cache.expireTime()) ? cache : null;
    }

    public boolean deleteCache(String id, String project, Instant now) {
        StoredCache cache = cache(id, project, now);
        return cache != null && caches.remove(id, cache);
    }

    public UploadSession startUpload(String project, String displayName, String mimeType) {
        UploadSession session = new UploadSession(newId(24), project, displayName, mimeType, 0);
        uploads.put(session.id(), session);
        return session;
    }

    /** The open upload if {@code project} started it; null otherwise. */
    public UploadSession upload(String id, String project) {
        UploadSession session = uploads.get(id);
        return session != null && session.project().equals(project) ? session : null;
    }

    public UploadSession receive(UploadSession session, long bytes) {
        UploadSession grown = new UploadSession(session.id(), session.project(), session.displayName(),
                session.mimeType(), session.received() + bytes);
        uploads.put(session.id(), grown);
        return grown;
    }

    public StoredFile finish(UploadSession session, Instant now) {
        uploads.remove(session.id());
        return addFile(session.project(), session.displayName(), session.mimeType(), session.received(), now);
    }

    public int fileCount() {
        return files.size();
    }

    public void clear() {
        files.clear();
        caches.clear();
        uploads.clear();
    }

    private static String newId(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[length];
        for (int i = 0; i < length; i++) {
            id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }
}
