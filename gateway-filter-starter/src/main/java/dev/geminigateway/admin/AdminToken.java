package dev.geminigateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.springframework.http.HttpHeaders;

/**
 * The operator's admin token, held as a SHA-256 digest and compared in constant time. Shared by the management
 * endpoints' security chain and by any other path that shows more than counts (e.g. a health page that lists keys).
 * With no token configured nothing matches.
 */
public final class AdminToken {

    private final byte[] expected;

    public AdminToken(String token) {
        this.expected = token == null || token.isBlank() ? null : digest(token.strip());
    }

    public boolean configured() {
        return expected != null;
    }

    public boolean matches(String presented) {
        return expected != null && presented != null && MessageDigest.isEqual(expected, digest(presented.strip()));
    }

    /** Whether {@code Authorization: Bearer <token>} carries this token. */
    public boolean authorizes(HttpHeaders headers) {
        String header = headers.getFirst(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(header.substring(7));
    }

    /** SHA-256 first, so the comparison time depends on neither token's length nor content. */
    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
