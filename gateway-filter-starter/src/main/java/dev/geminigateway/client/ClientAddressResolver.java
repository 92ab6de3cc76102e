package dev.geminigateway.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import org.springframework.web.server.ServerWebExchange;

/**
 * The client's address for lockout and rate limits: the peer address, unless the peer is one of the trusted proxies,
 * in which case {@code X-Forwarded-For} is read from the right and the first hop that is not a trusted proxy wins.
 * Hops left of it were written by the client and are ignored, so a client cannot choose its own address. Addresses
 * are parsed as literals only: nothing here ever does a DNS lookup.
 */
public class ClientAddressResolver {

    /** The key used when the server gives no peer address (e.g. some test servers). */
    public static final String UNKNOWN = "unknown";

    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<IpSubnetFilterRule> trustedProxies;

    /**
     * @param trustedProxies CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}) or single addresses
     * @throws IllegalArgumentException naming the entry that is not an IP literal or CIDR range
     */
    public ClientAddressResolver(Collection<String> trustedProxies) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String cidr : trustedProxies) {
            if (cidr != null && !cidr.isBlank()) {
                rules.add(rule(cidr.trim()));
            }
        }
        this.trustedProxies = List.copyOf(rules);
    }

    public String resolve(ServerWebExchange exchange) {
        InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
        if (peer == null || peer.getAddress() == null) {
            return UNKNOWN;
        }
        InetAddress nearest = peer.getAddress();
        if (!isTrusted(nearest)) {
            return nearest.getHostAddress();
        }
        List<String> hops = forwardedHops(exchange);
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = parse(hops.get(i));
            if (hop == null) {
                // a trusted proxy would not write garbage: stop at the last hop we can vouch for
                break;
            }
            nearest = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return nearest.getHostAddress();
    }

    boolean isTrusted(InetAddress address) {
        if (trustedProxies.isEmpty()) {
            return false;
        }
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule rule : trustedProxies) {
            if (rule.matches(socket)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> forwardedHops(ServerWebExchange exchange) {
        List<String> values = exchange.getRequest().getHeaders().get(FORWARDED_FOR);
        List<String> hops = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String hop : value.split(",")) {
                    if (!hop.isBlank()) {
                        hops.add(hop.trim());
                    }
                }
            }
        }
        return hops;
    }

    /** An IP literal, optionally bracketed or with a port ({@code 1.2.3.4:5678}, {@code [::1]:80}); else null. */
    static InetAddress parse(String hop) {
        String literal = hop;
        if (literal.startsWith("[")) {
            int close = literal.indexOf(']');
            literal = close > 0 ? literal.substring(1, close) : literal;
        }
        else if (literal.indexOf(':') > 0 && literal.indexOf(':') == literal.lastIndexOf(':')) {
            literal = literal.substring(0, literal.indexOf(':'));
        }
        return NetUtil.createInetAddressFromIpAddressString(literal);
    }

    private static IpSubnetFilterRule rule(String cidr) {
        int slash = cidr.indexOf('/');
        InetAddress address = parse(slash < 0 ? cidr : cidr.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("gemini.gateway.client-auth.trusted-proxies: '" + cidr + "' is not an IP address or CIDR range");
        }
        int maxPrefix = address.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? maxPrefix : Integer.parseInt(cidr.substring(slash + 1));
        }
        catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > maxPrefix) {
            throw new IllegalArgumentException("gemini.gateway.client-auth.trusted-proxies: '" + cidr + "' has an invalid prefix length");
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }
}
