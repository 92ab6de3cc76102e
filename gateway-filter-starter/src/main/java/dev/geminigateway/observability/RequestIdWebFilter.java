package dev.geminigateway.observability;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every request an id: the caller's {@value #HEADER} when it is a plain token (up to 64 characters of
 * {@code [A-Za-z0-9._-]}), else a new random one. The id goes back on every answer, the gateway's own errors and
 * client-authentication 401s included (this filter runs before the gateway's handler, and sets the header again
 * just before the response commits in case a later step replaced the headers), into exchange attribute
 * {@link #ATTRIBUTE}, and, with {@code spring.reactor.context-propagation=auto}, into the Reactor context under the
 * MDC key {@value #MDC_KEY}, so that every log line of the request carries it.
 */
public class RequestIdWebFilter implements WebFilter, Ordered {

    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = RequestIdWebFilter.class.getName() + ".requestId";
    public static final String MDC_KEY = "requestId";
    /** Before Spring Security's chain (-100), so a 401 from it carries the id too. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = accept(exchange.getRequest().getHeaders().getFirst(HEADER));
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(HEADER, id);
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(HEADER, id);
            return Mono.empty();
        });
        if (!Hooks.isAutomaticContextPropagationEnabled()) {
            // Without automatic propagation no log line reads the MDC from the context, and the few operators that
            // restore thread locals in the limited mode (handle, tap) would only pay for restoring it.
            return chain.filter(exchange);
        }
        return chain.filter(exchange)
                .contextWrite(context -> context.put(Slf4jThreadLocalAccessor.KEY, Map.of(MDC_KEY, id)));
    }

    /** The caller's id when it is safe to echo and log, else a new one. */
    static String accept(String offered) {
        return offered != null && VALID.matcher(offered).matches() ? offered : newId();
    }

    /**
     * A version-4 UUID from {@link ThreadLocalRandom}: an id to correlate log lines needs to be unique, not
     * unguessable, and {@code UUID.randomUUID()} takes a lock on the shared {@code SecureRandom} on every request.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** The id of this exchange, or "-" outside a request this filter saw. */
    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
