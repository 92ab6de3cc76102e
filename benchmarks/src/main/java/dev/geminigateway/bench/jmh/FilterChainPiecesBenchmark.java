package dev.geminigateway.bench.jmh;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

import dev.geminigateway.affinity.LocalResourceOwners;
import dev.geminigateway.affinity.ResourceAffinityFilter;
import dev.geminigateway.affinity.ResourceOwnerCaptureFilter;
import dev.geminigateway.affinity.ResourceOwners;
import dev.geminigateway.client.ClientBudgets;
import dev.geminigateway.promptcache.PromptCacheAffinity;
import dev.geminigateway.selection.PreferredProjects;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.Surface;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

/**
 * Pieces of the chain that every proxied chat completion passes through although their feature has nothing to do
 * for it (a client without a budget, a prompt too short for the implicit cache, a request that names no file or
 * cached content), each beside what it cost before it learned to step aside.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m" })
public class FilterChainPiecesBenchmark {

    /** The load benchmark's chat completion (benchmarks/scripts/chat.lua). */
    static final String CHAT = TokenEstimateBenchmark.LOAD_CHAT;

    private static final GatewayFilterChain DONE = exchange -> Mono.empty();
    // copies of the patterns the pieces match (CacheMinimums, ResourceNames), for the "before" figures
    private static final Pattern VERSION = Pattern.compile("^gemini-(\\d+)(?:\\.(\\d+))?-");
    private static final Pattern LATEST = Pattern.compile("^gemini-(pro|flash|flash-lite)-latest$");
    private static final Pattern RESOURCE_PATH =
            Pattern.compile("/v1(?:beta|alpha)?/(files|cachedContents)/([^/:]+)(?::[A-Za-z]+)?");
    private static final Pattern UPLOAD_PATH = Pattern.compile("/upload/v1(?:beta|alpha)?/files");
    private static final Pattern CACHES_PATH = Pattern.compile("/v1(?:beta|alpha)?/cachedContents");

    private ClientBudgets budgets;
    private PromptCacheAffinity affinity;
    private ResourceAffinityFilter resourceAffinity;
    private ResourceOwnerCaptureFilter ownerCapture;
    private ServerWebExchange exchange;
    private byte[] chat;
    private URI routeUri;
    private final Map<URI, URI> bases = new ConcurrentHashMap<>();

    @Setup
    public void setUp() {
        budgets = new ClientBudgets(Map.of(), ZoneOffset.UTC, Clock.systemUTC(), null, new SimpleMeterRegistry());
        affinity = new PromptCacheAffinity(true, Map.of(), Map.of());
        ResourceOwners owners = new LocalResourceOwners(1_000, Clock.systemUTC());
        resourceAffinity = new ResourceAffinityFilter(owners, 10L * 1024 * 1024);
        ownerCapture = new ResourceOwnerCaptureFilter(owners, Clock.systemUTC());
        chat = CHAT.getBytes(StandardCharsets.UTF_8);
        exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON).body(CHAT));
        exchange.getAttributes().put(GeminiExchangeAttributes.SURFACE, Surface.OPENAI);
        routeUri = URI.create("https://generativelanguage.googleapis.com");
    }

    /** ClientAuth for a client without a budget, as it is now: a map read and the request meter, no Mono. */
    @Benchmark
    public boolean budgetOfAClientWithout() {
        boolean budgeted = budgets.hasBudget("bench-client");
        if (!budgeted) {
            budgets.meterRequest("bench-client");
        }
        return budgeted;
    }

    /** The same as ClientAuth did it before: admit's empty Mono, wrapped and awaited. */
    @Benchmark
    public Optional<ClientBudgets.Exhausted> budgetOfAClientWithoutBefore() {
        return budgets.admit("bench-client").map(Optional::of).defaultIfEmpty(Optional.empty()).block();
    }

    /** Prompt-cache affinity for a short chat: below every model's minimum, so no fingerprint and no model lookup. */
    @Benchmark
    public PreferredProjects cacheAffinityOfAShortPrompt() {
        return affinity.preference(exchange, "default", "gemini-2.5-flash", chat, chat.length / 4, null);
    }

    /** What a short prompt cost before the floor test: the model's minimum looked up by its two patterns. */
    @Benchmark
    public boolean cacheAffinityOfAShortPromptBefore() {
        String model = "gemini-2.5-flash";
        return LATEST.matcher(model).matches() || VERSION.matcher(model).find();
    }

        /** ResourceAffinityFilter and ResourceOwnerCaptureFilter for a chat completion (neither has anything to do). */
    @Benchmark
    public Object resourceFiltersOfAChat() {
        resourceAffinity.filter(exchange, DONE);
        return ownerCapture.filter(exchange, DONE);
    }

    /** The path patterns the two resource filters tried on a chat completion before their prefix tests. */
    @Benchmark
    public boolean resourcePatternsOfAChatBefore() {
        String path = "/v1/chat/completions";
        return RESOURCE_PATH.matcher(path).matches() | UPLOAD_PATH.matcher(path).matches()
                | CACHES_PATH.matcher(path).matches() | UPLOAD_PATH.matcher(path).matches()
                | CACHES_PATH.matcher(path).matches();
    }

        /** KeyHealthFeedback's upstream base per attempt, as it is now: looked up by the route's URI. */
    @Benchmark
    public URI routeBase() {
        return bases.computeIfAbsent(routeUri, FilterChainPiecesBenchmark::baseOf);
    }

    /** ... and as it was: parsed again for every attempt. */
    @Benchmark
    public URI routeBaseBefore() {
        return baseOf(routeUri);
    }

    /** The surface meter tag, as it is now. */
    @Benchmark
    public String surfaceTag() {
        return Surface.OPENAI.tag();
    }

    /** ... and as it was. */
    @Benchmark
    public String surfaceTagBefore() {
        return Surface.OPENAI.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static URI baseOf(URI uri) {
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    }
}
