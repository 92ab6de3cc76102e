package dev.geminigateway.egress;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import dev.geminigateway.autoconfigure.GeminiGatewayProperties;

import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Parsing and masking of a group's proxy, and where a group's probes go before any request. */
class EgressProxyTest {

    @Test
    void credentialsArePercentDecodedForTheProxyAndMaskedEverywhereElse() {
        EgressProxy proxy = EgressProxy.parse("http://gw-user:p%40ss%3Aw0rd@proxy.internal:3128");

        assertThat(proxy).hasToString("http://***@proxy.internal:3128");
        assertThat(proxy).isEqualTo(EgressProxy.parse("http://gw-user:p%40ss%3Aw0rd@proxy.internal:3128"))
                .isNotEqualTo(EgressProxy.parse("http://gw-user:other@proxy.internal:3128"));
        assertThat(EgressProxy.parse("socks5://10.0.0.7:1080")).hasToString("socks5://10.0.0.7:1080");
        assertThat(EgressProxy.masked("socks5://u:not a url@host:1")).isEqualTo("socks5://***@host:1");
    }

    @Test
    void aRefusedValueIsExplainedWithoutItsCredentials() {
        assertThatIllegalArgumentException().isThrownBy(() -> EgressProxy.parse("ftp://user:hunter2@host:21"))
                .withMessageContaining("http or socks5").withMessageNotContaining("hunter2");
        assertThatIllegalArgumentException().isThrownBy(() -> EgressProxy.parse("http://user:hunter2@host"))
                .withMessageContaining("port").withMessageNotContaining("hunter2");
        assertThatIllegalArgumentException().isThrownBy(() -> EgressProxy.parse("http://user:hunter2@ho st:1"))
                .withMessageNotContaining("hunter2");
    }

    @Test
    void aGroupsToStringMasksItsProxy() {
        GeminiGatewayProperties.Group group = new GeminiGatewayProperties.Group(List.of(), Set.of(), null, null,
                "http://user:hunter2@proxy:3128");

        assertThat(group.toString()).contains("http://***@proxy:3128").doesNotContain("hunter2");
    }

    @Test
    void probesGoToTheFirstConfiguredRouteOfTheGroupUntilARouteCarriesOne() {
        RouteDefinition shortcut = route("http://sim.internal:8080/v1beta", "KeyRotation", Map.of("_genkey_0", "pro",
                "_genkey_1", "default"));
        RouteDefinition other = route("https://other.example", "KeyRotation", Map.of("groups", "default"));
        RouteDefinition notHttp = route("lb://gemini", "KeyRotation", Map.of("_genkey_0", "lb"));
        GroupUpstreams upstreams = new GroupUpstreams(new EgressClients(HttpClient.create(), Map.of(),
                Duration.ofSeconds(1)), List.of(shortcut, other, notHttp), null, Duration.ofSeconds(1));

        assertThat(upstreams.baseFor("default")).isEqualTo(URI.create("http://sim.internal:8080"));
        assertThat(upstreams.baseFor("pro")).isEqualTo(URI.create("http://sim.internal:8080"));
        assertThat(upstreams.baseFor("lb")).isEqualTo(GroupUpstreams.GOOGLE);
        upstreams.remember("default", URI.create("https://other.example"));
        assertThat(upstreams.baseFor("default")).isEqualTo(URI.create("https://other.example"));
        assertThat(new GroupUpstreams(new EgressClients(HttpClient.create(), Map.of(), Duration.ofSeconds(1)),
                List.of(shortcut), "http://configured:1", Duration.ofSeconds(1)).baseFor("default"))
                .isEqualTo(URI.create("http://configured:1"));
    }

    private static RouteDefinition route(String uri, String filter, Map<String, String> args) {
        RouteDefinition route = new RouteDefinition();
        route.setUri(URI.create(uri));
        FilterDefinition definition = new FilterDefinition();
        definition.setName(filter);
        definition.setArgs(new LinkedHashMap<>(args));
        route.setFilters(List.of(definition));
        return route;
    }
}
