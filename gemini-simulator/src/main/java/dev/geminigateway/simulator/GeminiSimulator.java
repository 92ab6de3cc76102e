package dev.geminigateway.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.geminigateway.simulator.cache.ImplicitCache;
import dev.geminigateway.simulator.http.ApiHandler;
import dev.geminigateway.simulator.http.ControlApi;
import dev.geminigateway.simulator.state.SimulatorState;
import dev.geminigateway.simulator.state.StreamSettings;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A fast, faithful stand-in for the Gemini API on reactor-netty: native surface under /v1, /v1beta and /v1alpha,
 * OpenAI-compatible surface under /v1beta/openai/, control API under /__sim/. Start one per test class:
 * <pre>
 * try (GeminiSimulator sim = GeminiSimulator.start().addKey("k1", "project-a")) {
 *     sim.setQuota("project-a", "gemini-2.5-flash", new Quota(5, 250_000, 20));
 *     ... call sim.baseUrl() ...
 * }
 * </pre>
 * All setters are thread-safe and take effect for the next request.
 */
public final class GeminiSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GeminiSimulator.class);
    private static final byte[] EMPTY = new byte[0];

    private final SimulatorState state;
    private final DisposableServer server;

    private GeminiSimulator(SimulatorState state, DisposableServer server) {
        this.state = state;
        this.server = server;
    }

    /** On a free port of 127.0.0.1, with no keys, no quotas (unlimited), scale 1 and the real clock. */
    public static GeminiSimulator start() {
        return start(SimulatorConfig.defaults());
    }

    /** {@code config.port() == 0} picks a free port. */
    public static GeminiSimulator start(SimulatorConfig config) {
        SimulatorState state = new SimulatorState(config);
        ApiHandler api = new ApiHandler(state);
        ControlApi control = new ControlApi(state);
        DisposableServer server = HttpServer.create()
                .host(config.host())
                .port(config.port())
                .handle((request, response) -> {
                    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
                    return request.receive().aggregate().asByteArray().defaultIfEmpty(EMPTY)
                            .flatMap(body -> uri.path().startsWith(ControlApi.PREFIX)
                                    ? control.handle(request.method().name(), uri, body, response)
                                    : api.handle(request, response, uri, body))
                            .then(Mono.<Void>empty());
                })
                .bindNow(Duration.ofSeconds(10));
        GeminiSimulator simulator = new GeminiSimulator(state, server);
        log.info("Gemini simulator listening on {}:{} ({} keys, time scale {})", config.host(), simulator.port(),
                config.keys().size(), config.timeScale());
        return simulator;
    }

    public int port() {
        return server.port();
    }

    /** "http://127.0.0.1:PORT", whatever host the server is bound to. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    /** Blocks until the server is closed (used by the command line). */
    public void awaitClose() {
        server.onDispose().block();
    }

    public GeminiSimulator addKey(String key, String project) {
        return addKey(key, project, KeyStatus.VALID);
    }

    public GeminiSimulator addKey(String key, String project, KeyStatus status) {
        state.keys().put(key, project, status);
        return this;
    }

    public GeminiSimulator removeKey(String key) {
        state.keys().remove(key);
        return this;
    }

    /** Model "*" is the project's default; project "*" applies to every project without its own entry. */
    public GeminiSimulator setQuota(String project, String model, Quota quota) {
        state.quotas().set(project, model, quota);
        return this;
    }

    /** A smaller {@code inputTokenLimit} for a model (longer prompts get Gemini's 400), until {@link #reset()}. */
    public GeminiSimulator setInputTokenLimit(String model, int inputTokenLimit) {
        if (!state.catalog().setInputTokenLimit(model, inputTokenLimit)) {
            throw new IllegalArgumentException("unknown model: " + model);
        }
        return this;
    }

    /** Simulated seconds per real second (60: a quota minute lasts one real second). */
    public GeminiSimulator setTimeScale(double simulatedSecondsPerRealSecond) {
        state.clock().setScale(simulatedSecondsPerRealSecond);
        return this;
    }

    /** Moves the simulated clock (e.g. to just before midnight America/Los_Angeles); it runs on from there. */
    public GeminiSimulator setClock(Instant simulatedNow) {
        state.clock().setNow(simulatedNow);
        return this;
    }

    public Instant now() {
        return state.clock().now();
    }

    /** Content chunks per stream and the real time between them (headers x-sim-chunks / x-sim-interval-ms override). */
    public GeminiSimulator setStreaming(int chunks, Duration interval) {
        state.streaming(new StreamSettings(chunks, interval));
        return this;
    }

    public GeminiSimulator addFault(Fault fault) {
        state.faults().add(fault);
        return this;
    }

    public GeminiSimulator clearFaults() {
        state.faults().clear();
        return this;
    }

    /** Keys, quotas, clock and streaming back to the start configuration; faults, counters, recordings cleared. */
    public void reset() {
        state.reset();
    }

    /** Implicit prompt caching: its TTL, on/off switch and per-project input and cached token counts. */
    public ImplicitCache implicitCache() {
        return state.implicitCache();
    }

    public SimulatorCounters counters() {
        return state.counters();
    }

    /** The most recent requests, oldest first (bounded by {@link SimulatorConfig#recordLimit(int)}). */
    public List<RecordedRequest> recordedRequests() {
        return state.recorder().snapshot();
    }
}
