package dev.geminigateway.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The client tokens the operator issued, kept only as SHA-256 hashes. A presented token is hashed and compared with
 * every stored hash in constant time ({@link MessageDigest#isEqual}), without stopping at the first match, so the
 * answer time tells nothing about which token, or how much of one, matched.
 */
public final class ClientTokens {

    /** Hex characters of the SHA-256 kept as a client's public id (logs, rate-limit keys). */
    public static final int FINGERPRINT_LENGTH = 12;

    private final List<byte[]> hashes;
    private final List<String> fingerprints;
    private final BiPredicate<byte[], byte[]> equality;

    private ClientTokens(Collection<String> tokens, BiPredicate<byte[], byte[]> equality) {
        this.equality = equality;
        List<byte[]> hashList = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String token : new LinkedHashSet<>(tokens)) {
            byte[] hash = sha256(token);
            hashList.add(hash);
            ids.add(fingerprintOf(hash));
        }
        this.hashes = List.copyOf(hashList);
        this.fingerprints = List.copyOf(ids);
    }

    /** Tokens compared with {@link MessageDigest#isEqual}. Blank entries must have been dropped by the caller. */
    public static ClientTokens of(Collection<String> tokens) {
        return new ClientTokens(tokens, MessageDigest::isEqual);
    }

    /** For tests that check how hashes are compared. */
    static ClientTokens withEquality(Collection<String> tokens, BiPredicate<byte[], byte[]> equality) {
        return new ClientTokens(tokens, equality);
    }

    /** The fingerprint of the matching token, or empty when {@code candidate} is not one of ours. */
    public Optional<String> authenticate(String candidate) {
        byte[] presented = sha256(candidate);
        int match = -1;
        for (int i = 0; i < hashes.size(); i++) {
            // every hash is compared, match or not: no early exit
            boolean equal = equality.test(presented, hashes.get(i));
            match = equal ? i : match;
        }
        return match < 0 ? Optional.empty() : Optional.of(fingerprints.get(match));
    }

    public boolean isEmpty() {
        return hashes.isEmpty();
    }

    public int size() {
        return hashes.size();
    }

    /** The first {@value #FINGERPRINT_LENGTH} hex characters of the token's SHA-256: safe to log. */
    public static String fingerprint(String token) {
        return fingerprintOf(sha256(token));
    }

    private static String fingerprintOf(byte[] hash) {
        return HexFormat.of().formatHex(hash, 0, FINGERPRINT_LENGTH / 2);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
