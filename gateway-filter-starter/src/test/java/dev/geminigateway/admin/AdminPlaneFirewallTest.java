package dev.geminigateway.admin;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminPlaneFirewallTest {

    @Test
    void proxiedRequestsPassUnwrappedWhileTheAdminPlaneKeepsThePerReadChecks() {
        AdminPlaneFirewall firewall = new AdminPlaneFirewall("/actuator", true);

        ServerWebExchange proxied = exchange("/v1/chat/completions");
        assertThat(firewall.getFirewalledExchange(proxied).block()).isSameAs(proxied);
        ServerWebExchange lookalike = exchange("/actuatorx/geminikeys");
        assertThat(firewall.getFirewalledExchange(lookalike).block()).isSameAs(lookalike);

        ServerWebExchange admin = exchange("/actuator/geminikeys");
        assertThat(firewall.getFirewalledExchange(admin).block()).isNotSameAs(admin);
        ServerWebExchange base = exchange("/actuator");
        assertThat(firewall.getFirewalledExchange(base).block()).isNotSameAs(base);
    }

    @Test
    void pathTricksAreRejectedOnProxiedRequestsToo() {
        AdminPlaneFirewall firewall = new AdminPlaneFirewall("/actuator", true);

        for (String path : new String[] { "/v1/models%2F..%2Fupload", "/v1/models%2e%2e/upload", "/v1/models;x=1",
                "/v1/models%00" }) {
            assertThatThrownBy(() -> firewall.getFirewalledExchange(exchange(path)).block())
                    .as(path).isInstanceOf(ServerExchangeRejectedException.class);
        }
    }

    @Test
    void withAnotherSecurityChainOrEndpointsAnywhereEveryRequestIsWrapped() {
        AdminPlaneFirewall shared = new AdminPlaneFirewall("/actuator", false);
        AdminPlaneFirewall anywhere = new AdminPlaneFirewall(null, true);

        ServerWebExchange proxied = exchange("/v1/chat/completions");
        assertThat(shared.getFirewalledExchange(proxied).block()).isNotSameAs(proxied);
        assertThat(anywhere.getFirewalledExchange(proxied).block()).isNotSameAs(proxied);
    }

    private static ServerWebExchange exchange(String path) {
        return MockServerWebExchange.from(MockServerHttpRequest.post(path).header("Authorization", "Bearer t"));
    }
}
