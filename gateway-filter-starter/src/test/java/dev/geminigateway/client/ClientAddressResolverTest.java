package dev.geminigateway.client;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientAddressResolverTest {

    private final ClientAddressResolver resolver = new ClientAddressResolver(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

    private static MockServerWebExchange from(String peer, String... forwardedFor) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/v1/models")
                .remoteAddress(new InetSocketAddress(peer, 40000));
        for (String value : forwardedFor) {
            request.header("X-Forwarded-For", value);
        }
        return MockServerWebExchange.from(request);
    }

    @Test
    void ignoresForwardedForFromAnUntrustedPeer() {
        assertThat(resolver.resolve(from("203.0.113.9", "1.2.3.4"))).isEqualTo("203.0.113.9");
    }

    @Test
    void takesTheRightMostUntrustedHopBehindTrustedProxies() {
        // the client forged 6.6.6.6; our proxies 192.168.1.7 and 10.1.2.3 saw 198.51.100.20
        assertThat(resolver.resolve(from("10.1.2.3", "6.6.6.6, 198.51.100.20", "192.168.1.7"))).isEqualTo("198.51.100.20");
    }

    @Test
    void usesTheLeftMostHopWhenEveryHopIsTrusted() {
        assertThat(resolver.resolve(from("10.1.2.3", "10.9.9.9, 10.8.8.8"))).isEqualTo("10.9.9.9");
    }

    @Test
    void usesThePeerWhenATrustedPeerSendsNoForwardedFor() {
        assertThat(resolver.resolve(from("10.1.2.3"))).isEqualTo("10.1.2.3");
    }

    @Test
    void stopsAtTheLastVouchedHopOnGarbageAndNeverResolvesNames() {
        assertThat(resolver.resolve(from("10.1.2.3", "example.com"))).isEqualTo("10.1.2.3");
        assertThat(resolver.resolve(from("10.1.2.3", "example.com, 10.4.4.4"))).isEqualTo("10.4.4.4");
    }

    @Test
    void acceptsPortsBracketsAndIpv6() {
        assertThat(resolver.resolve(from("10.1.2.3", "198.51.100.20:5555"))).isEqualTo("198.51.100.20");
        assertThat(resolver.resolve(from("fd00::1", "[2001:db8::7]:443"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void withoutTrustedProxiesThePeerIsAlwaysTheClient() {
        assertThat(new ClientAddressResolver(List.of()).resolve(from("10.1.2.3", "1.2.3.4"))).isEqualTo("10.1.2.3");
    }

    @Test
    void rejectsAnInvalidRangeNamingTheProperty() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddressResolver(List.of("proxy.internal")))
                .withMessageContaining("gemini.gateway.client-auth.trusted-proxies").withMessageContaining("proxy.internal");
        assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddressResolver(List.of("10.0.0.0/33")))
                .withMessageContaining("prefix");
    }
}
