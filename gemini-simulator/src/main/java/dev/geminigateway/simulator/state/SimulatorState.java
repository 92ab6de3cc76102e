package dev.geminigateway.simulator.state;

import java.time.Instant;

import dev.geminigateway.simulator.SimulatorConfig;
import dev.geminigateway.simulator.cache.ImplicitCache;
import dev.geminigateway.simulator.resources.ResourceBook;
import dev.geminigateway.simulator.wire.ModelCatalog;

/** Everything the simulated Gemini knows and counts; shared by the HTTP handlers and the Java API. */
public final class SimulatorState {

    private final SimulatorConfig config;
    private final SimulatedClock clock;
    private final KeyRegistry keys = new KeyRegistry();
    private final QuotaBook quotas = new QuotaBook();
    private final FaultBook faults = new FaultBook();
    private final CounterBook counters = new CounterBook();
    private final ResourceBook resources = new ResourceBook();
    private final ImplicitCache implicitCache = new ImplicitCache();
    private final RequestRecorder recorder;
    private final ModelCatalog catalog;
    private volatile StreamSettings streaming;

    public SimulatorState(SimulatorConfig config) {
        this.config = config;
        this.clock = new SimulatedClock(startInstant(config), config.timeScale());
        this.recorder = new RequestRecorder(config.recordLimit());
        this.catalog = new ModelCatalog(config.extraModels());
        reset();
    }

    /** Back to the start-up configuration: keys, quotas, clock, streaming; no faults, counters or recordings. */
    public void reset() {
        keys.clear();
        quotas.clear();
        faults.clear();
        counters.clear();
        recorder.clear();
        resources.clear();
        catalog.reset();
        implicitCache.clear();
        config.keys().forEach(k -> keys.put(k.key(), k.project(), k.status()));
        config.quotas().forEach(q -> quotas.set(q.project(), q.model(), q.quota()));
        clock.set(startInstant(config), config.timeScale());
        streaming = new StreamSettings(config.streamChunks(), config.streamInterval());
    }

    private static Instant startInstant(SimulatorConfig config) {
        return config.clock() != null ? config.clock() : Instant.now();
    }

    public SimulatorConfig config() { return config; }

    public SimulatedClock clock() { return clock; }

    public KeyRegistry keys() { return keys; }

    public QuotaBook quotas() { return quotas; }

    public FaultBook faults() { return faults; }

    public CounterBook counters() { return counters; }

    public RequestRecorder recorder() { return recorder; }

    public ModelCatalog catalog() { return catalog; }

    /** Files, cached contents and open uploads, per owning project. */
    public ResourceBook resources() { return resources; }

    /** Per-project implicit prompt caching and its cached/input token counts. */
    public ImplicitCache implicitCache() { return implicitCache; }

    public StreamSettings streaming() { return streaming; }

    public void streaming(StreamSettings settings) { this.streaming = settings; }
}
