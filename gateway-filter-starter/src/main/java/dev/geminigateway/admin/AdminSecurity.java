package dev.geminigateway.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

/**
 * The security chain of the management endpoints: {@code Authorization: Bearer <admin token>}, compared in constant
 * time, stateless (no session, no cookie, so no CSRF exposure), 401 with {@code WWW-Authenticate: Bearer} otherwise.
 * It applies only to the exchanges {@code matcher} selects; gateway routes are left to the gateway's own filters.
 * With no admin token configured every request to those endpoints is refused.
 */
public final class AdminSecurity {

    private AdminSecurity() {
    }

    public static SecurityWebFilterChain chain(ServerHttpSecurity http, ServerWebExchangeMatcher matcher,
            String adminToken) {
        return chain(http, matcher, new AdminToken(adminToken));
    }

    public static SecurityWebFilterChain chain(ServerHttpSecurity http, ServerWebExchangeMatcher matcher,
            AdminToken adminToken) {
        ServerAuthenticationEntryPoint unauthorized = AdminSecurity::unauthorized;
        AuthenticationWebFilter bearer = new AuthenticationWebFilter(authenticationManager(adminToken));
        bearer.setServerAuthenticationConverter(bearerConverter());
        bearer.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(unauthorized));
        bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        return http.securityMatcher(matcher)
                .authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
                .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthorized))
                .build();
    }

    /**
     * {@code endpoints}, tried only for paths under the actuator's {@code basePath}: every proxied API request is then
     * turned away by a prefix test instead of Boot's endpoint matcher, an Or-matcher over every endpoint path that
     * formats a debug message for each one it tries. A null, empty or root base path (endpoints could be anywhere, or
     * on a management port of their own) leaves {@code endpoints} as it is. Spring Security's firewall still sees
     * every request before any matcher.
     */
    public static ServerWebExchangeMatcher underBasePath(String basePath, ServerWebExchangeMatcher endpoints) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return endpoints;
        }
        return exchange -> isUnderBasePath(basePath, exchange.getRequest().getPath().pathWithinApplication().value())
                ? endpoints.matches(exchange) : ServerWebExchangeMatcher.MatchResult.notMatch();
    }

    /** Whether {@code path} is the actuator's {@code basePath} or below it. */
    static boolean isUnderBasePath(String basePath, String path) {
        int length = basePath.endsWith("/") ? basePath.length() - 1 : basePath.length();
        return path.regionMatches(0, basePath, 0, length) && (path.length() == length || path.charAt(length) == '/');
    }

    static ReactiveAuthenticationManager authenticationManager(String adminToken) {
        return authenticationManager(new AdminToken(adminToken));
    }

    static ReactiveAuthenticationManager authenticationManager(AdminToken adminToken) {
        return authentication -> {
            Object presented = authentication.getCredentials();
            boolean matches = presented instanceof String token && adminToken.matches(token);
            if (!matches) {
                return Mono.error(new BadCredentialsException("Invalid admin token"));
            }
            String remote = authentication instanceof AdminTokenAuthentication admin ? admin.remoteAddress() : null;
            return Mono.just(AdminTokenAuthentication.verified(remote));
        };
    }

    static ServerAuthenticationConverter bearerConverter() {
        return exchange -> {
            String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Mono.empty();
            }
            return Mono.just(AdminTokenAuthentication.presented(header.substring(7).strip(), remoteAddress(exchange)));
        };
    }

    static String remoteAddress(ServerWebExchange exchange) {
        InetSocketAddress address = exchange.getRequest().getRemoteAddress();
        if (address == null) {
            return "unknown";
        }
        return address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange,
            org.springframework.security.core.AuthenticationException error) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = "{\"error\":\"unauthorized\",\"message\":\"Send 'Authorization: Bearer <admin token>'\"}"
                .getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
