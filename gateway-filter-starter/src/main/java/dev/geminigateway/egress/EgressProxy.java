package dev.geminigateway.egress;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import reactor.netty.transport.ProxyProvider;

/**
 * One key group's way out: an HTTP proxy (CONNECT tunnels) or a SOCKS5 proxy, with optional credentials.
 * The credentials never leave this class except towards the proxy: {@link #toString()} shows {@code ***} in their
 * place, so the value is safe in logs, errors and admin views.
 */
public final class EgressProxy {

    private final ProxyProvider.Proxy type;
    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private EgressProxy(ProxyProvider.Proxy type, String host, int port, String username, String password) {
        this.type = type;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /**
     * Parses {@code http://[user:pass@]host:port} or {@code socks5://[user:pass@]host:port}; user and password may be
     * percent-encoded. The message of a refused value never repeats the credentials.
     */
    public static EgressProxy parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException("The egress proxy is not a valid URL (expected http://[user:pass@]host:port "
                    + "or socks5://[user:pass@]host:port)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        ProxyProvider.Proxy type = switch (scheme) {
            case "http" -> ProxyProvider.Proxy.HTTP;
            case "socks5", "socks5h" -> ProxyProvider.Proxy.SOCKS5;
            default -> throw new IllegalArgumentException("The egress proxy's scheme must be http or socks5, not '"
                    + scheme + "'");
        };
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("The egress proxy needs a host and a port, e.g. " + scheme
                    + "://proxy.internal:3128");
        }
        String userInfo = uri.getUserInfo();
        String username = null;
        String password = null;
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            username = colon < 0 ? userInfo : userInfo.substring(0, colon);
            password = colon < 0 ? null : userInfo.substring(colon + 1);
        }
        return new EgressProxy(type, uri.getHost(), uri.getPort(), username, password);
    }

    /** The URL with any {@code user:pass@} replaced by {@code ***@}, whether or not it parses. */
    public static String masked(String url) {
        return url.replaceFirst("^([^:/]*://)[^@/]*@", "$1***@");
    }

    /** Applies this proxy to reactor-netty's spec; {@code handshakeTimeout} bounds the CONNECT or SOCKS exchange. */
    void configure(ProxyProvider.TypeSpec spec, Duration handshakeTimeout) {
        ProxyProvider.Builder builder = spec.type(type).host(host).port(port);
        if (username != null) {
            builder.username(username);
            String secret = password == null ? "" : password;
            builder.password(name -> secret);
        }
        builder.connectTimeoutMillis(handshakeTimeout.toMillis());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EgressProxy that && type == that.type && port == that.port && host.equals(that.host)
                && Objects.equals(username, that.username) && Objects.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, host, port, username, password);
    }

    /** The proxy's address with any credentials masked, e.g. {@code http://***@proxy.internal:3128}. */
    @Override
    public String toString() {
        return (type == ProxyProvider.Proxy.HTTP ? "http" : "socks5") + "://" + (username == null ? "" : "***@")
                + host + ":" + port;
    }
}
