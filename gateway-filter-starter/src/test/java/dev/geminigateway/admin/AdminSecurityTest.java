package dev.geminigateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;

class AdminSecurityTest {

    private final List<String> asked = new ArrayList<>();
    private final ServerWebExchangeMatcher endpoints = exchange -> {
        asked.add(exchange.getRequest().getPath().value());
        return MatchResult.match();
    };

    private boolean matches(ServerWebExchangeMatcher matcher, String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
        return matcher.matches(exchange).map(MatchResult::isMatch).block();
    }

    @Test
    void proxiedPathsNeverReachTheEndpointMatcher() {
        ServerWebExchangeMatcher matcher = AdminSecurity.underBasePath("/actuator", endpoints);

        assertThat(matches(matcher, "/v1/chat/completions")).isFalse();
        assertThat(matches(matcher, "/v1beta/models/gemini-2.5-flash:generateContent")).isFalse();
        assertThat(matches(matcher, "/actuatorish/geminikeys")).isFalse();
        assertThat(asked).isEmpty();

        assertThat(matches(matcher, "/actuator/geminikeys")).isTrue();
        assertThat(matches(matcher, "/actuator")).isTrue();
        assertThat(asked).containsExactly("/actuator/geminikeys", "/actuator");
    }

    @Test
    void aRootOrUnknownBasePathLeavesTheEndpointMatcherAlone() {
        assertThat(AdminSecurity.underBasePath("/", endpoints)).isSameAs(endpoints);
        assertThat(AdminSecurity.underBasePath("", endpoints)).isSameAs(endpoints);
        assertThat(AdminSecurity.underBasePath(null, endpoints)).isSameAs(endpoints);
        assertThat(matches(AdminSecurity.underBasePath("/manage/", endpoints), "/manage/geminikeys")).isTrue();
        assertThat(asked).containsExactly("/manage/geminikeys");
    }
}
