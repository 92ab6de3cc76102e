package dev.geminigateway.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The client tokens the operator issued, kept only as SHA-256 hashes, each with its client's name and own limits. A
 * presented token is hashed and compared with every stored hash in constant time ({@link MessageDigest#isEqual}),
 * without stopping at the first match, so the answer time tells nothing about which token, or how much of one,
 * matched.
 */
public final class ClientTokens {

    /** Hex characters of the SHA-256 kept as a token's public fingerprint (derived names, logs). */
    public static final int FINGERPRINT_LENGTH = 12;

    private final List<byte[]> hashes;
    private final List<String> names;
    private final Map<String, ClientRateLimiter.Config> limits;
    private final BiPredicate<byte[], byte[]> equality;

    private ClientTokens(Collection<IssuedToken> issued, BiPredicate<byte[], byte[]> equality) {
        this.equality = equality;
        List<byte[]> hashList = new ArrayList<>();
        List<String> nameList = new ArrayList<>();
        Map<String, ClientRateLimiter.Config> limitsByName = new HashMap<>();
        for (IssuedToken token : issued) {
            byte[] hash = sha256(token.token());
            if (hashList.stream().anyMatch(known -> MessageDigest.isEqual(known, hash))) {
                throw new IllegalArgumentException("Client '" + token.name() + "' has the token of another entry: "
                        + "give each client a token of its own");
            }
            if (limitsByName.putIfAbsent(token.name(), token.limits()) != null) {
                throw new IllegalArgumentException("Two client tokens are named '" + token.name() + "': names must be unique");
            }
            hashList.add(hash);
            nameList.add(token.name());
        }
        this.hashes = List.copyOf(hashList);
        this.names = List.copyOf(nameList);
        this.limits = Map.copyOf(limitsByName);
    }

    /** Plain tokens (named {@code token-<fingerprint>}, default limits); a token listed twice counts once. */
    public static ClientTokens of(Collection<String> tokens) {
        return issued(new LinkedHashSet<>(tokens).stream().map(IssuedToken::plain).toList());
    }

    /** Named tokens with their own limits. Names and tokens must be unique. */
    public static ClientTokens issued(Collection<IssuedToken> tokens) {
        return new ClientTokens(tokens, MessageDigest::isEqual);
    }

    /** For tests that check how hashes are compared. */
    static ClientTokens withEquality(Collection<String> tokens, BiPredicate<byte[], byte[]> equality) {
        return new ClientTokens(new LinkedHashSet<>(tokens).stream().map(IssuedToken::plain).toList(), equality);
    }

    /** The name of the matching token's client, or empty when {@code candidate} is not one of ours. */
    public Optional<String> authenticate(String candidate) {
        byte[] presented = sha256(candidate);
        int match = -1;
        for (int i = 0; i < hashes.size(); i++) {
            // every hash is compared, match or not: no early exit
            boolean equal = equality.test(presented, hashes.get(i));
            match = equal ? i : match;
        }
        return match < 0 ? Optional.empty() : Optional.of(names.get(match));
    }

    /** The client's own limits (unset ones: use the defaults); empty limits for an unknown name. */
    public ClientRateLimiter.Config limitsOf(String name) {
        ClientRateLimiter.Config own = name == null ? null : limits.get(name);
        return own != null ? own : new ClientRateLimiter.Config();
    }

    /** Client names, in configuration order. */
    public List<String> names() {
        return names;
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
        return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
    }

    /** One digest per thread: every request hashes the token it presents, and a provider lookup each time costs more. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });
}
