package dev.geminigateway.client;

import java.util.regex.Pattern;

/**
 * A client token the operator issued, with the name that stands for it in logs, metrics and rate-limit keys, and its
 * own limits (unset ones fall back to {@code client-auth.rate-limit.*}).
 *
 * @param name how the client is shown; {@code null} for {@code token-<fingerprint>}
 * @param token the secret the client sends
 * @param limits its own limits; empty for the defaults
 */
public record IssuedToken(String name, String token, ClientRateLimiter.Config limits) {

    /** Names go into metric tags and log lines: short, printable, no separators a query language would choke on. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public IssuedToken {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("A client token entry needs a token");
        }
        token = token.strip();
        name = name == null || name.isBlank() ? derivedName(token) : name.strip();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Client name '" + name + "' must be 1 to 64 letters, digits, '.', '_' "
                    + "or '-', starting with a letter or digit");
        }
        if (name.equals(token)) {
            throw new IllegalArgumentException("A client's name is shown in logs and metrics: it must not be its token");
        }
        limits = limits == null ? new ClientRateLimiter.Config() : limits;
    }

    /** A token listed without a name or limits. */
    public static IssuedToken plain(String token) {
        return new IssuedToken(null, token, null);
    }

    /** The name of a token listed without one: {@code token-} and its fingerprint. */
    public static String derivedName(String token) {
        return "token-" + ClientTokens.fingerprint(token);
    }

    @Override
    public String toString() {
        // a record's default toString would print the token
        return "IssuedToken[name=" + name + ", limits=" + limits + "]";
    }
}
