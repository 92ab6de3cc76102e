package dev.geminigateway.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Start-up settings of a {@link GeminiSimulator}; {@code reset()} returns the simulator to them.
 * Fluent setters; {@link #load(Path)} reads the YAML format documented in gemini-simulator/README.md.
 */
public final class SimulatorConfig {

    /** A key known to the simulator. */
    public record KeySpec(String key, String project, KeyStatus status) {}

    /** Limits for (project, model); "*" for either is a default. */
    public record QuotaSpec(String project, String model, Quota quota) {}

    private String host = "127.0.0.1";
    private int port = 0;
    private double timeScale = 1.0;
    private Instant clock;
    private int streamChunks = 4;
    private Duration streamInterval = Duration.ofMillis(10);
    private int recordLimit = 10_000;
    private final List<KeySpec> keys = new ArrayList<>();
    private final List<QuotaSpec> quotas = new ArrayList<>();
    private final List<String> extraModels = new ArrayList<>();

    public static SimulatorConfig defaults() {
        return new SimulatorConfig();
    }

    public SimulatorConfig host(String host) { this.host = host; return this; }

    /** 0 picks a free port. */
    public SimulatorConfig port(int port) { this.port = port; return this; }

    /** Simulated seconds per real second: 60 makes a quota minute last one real second. */
    public SimulatorConfig timeScale(double timeScale) {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("timeScale must be > 0");
        }
        this.timeScale = timeScale;
        return this;
    }

    /** Simulated instant at start (null: the real now). */
    public SimulatorConfig clock(Instant clock) { this.clock = clock; return this; }

    public SimulatorConfig streaming(int chunks, Duration interval) {
        if (chunks < 1) {
            throw new IllegalArgumentException("chunks must be >= 1");
        }
        this.streamChunks = chunks;
        this.streamInterval = interval;
        return this;
    }

    /** How many recent requests are kept for {@code recordedRequests()}. */
    public SimulatorConfig recordLimit(int recordLimit) { this.recordLimit = recordLimit; return this; }

    public SimulatorConfig key(String key, String project) { return key(key, project, KeyStatus.VALID); }

    public SimulatorConfig key(String key, String project, KeyStatus status) {
        keys.add(new KeySpec(key, project, status));
        return this;
    }

    public SimulatorConfig quota(String project, String model, Quota quota) {
        quotas.add(new QuotaSpec(project, model, quota));
        return this;
    }

    /** A model name served in addition to the built-in catalog (generation model unless it contains "embedding"). */
    public SimulatorConfig model(String model) { extraModels.add(model); return this; }

    public String host() { return host; }

    public int port() { return port; }

    public double timeScale() { return timeScale; }

    public Instant clock() { return clock; }

    public int streamChunks() { return streamChunks; }

    public Duration streamInterval() { return streamInterval; }

    public int recordLimit() { return recordLimit; }

    public List<KeySpec> keys() { return List.copyOf(keys); }

    public List<QuotaSpec> quotas() { return List.copyOf(quotas); }

    public List<String> extraModels() { return List.copyOf(extraModels); }

    public static SimulatorConfig load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in);
        }
    }

    public static SimulatorConfig load(InputStream yaml) {
        JsonNode root = YAMLMapper.builder().build().readTree(yaml);
        SimulatorConfig config = new SimulatorConfig();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return config;
        }
        if (root.hasNonNull("host")) config.host(root.get("host").asString());
        if (root.hasNonNull("port")) config.port(root.get("port").asInt());
        if (root.hasNonNull("timeScale")) config.timeScale(root.get("timeScale").asDouble());
        if (root.hasNonNull("clock")) config.clock(Instant.parse(root.get("clock").asString()));
        if (root.hasNonNull("recordLimit")) config.recordLimit(root.get("recordLimit").asInt());
        JsonNode streaming = root.path("streaming");
        if (streaming.isObject()) {
            config.streaming(streaming.path("chunks").asInt(config.streamChunks),
                    Duration.ofMillis(streaming.path("intervalMs").asLong(config.streamInterval.toMillis())));
        }
        for (JsonNode key : root.path("keys")) {
            String status = key.path("status").asString("VALID");
            config.key(required(key, "key"), key.path("project").asString(required(key, "key")),
                    KeyStatus.valueOf(status.toUpperCase(Locale.ROOT)));
        }
        for (JsonNode q : root.path("quotas")) {
            Quota quota = q.path("unavailable").asBoolean(false) ? Quota.unavailable() : new Quota(
                    q.path("rpm").asInt(Integer.MAX_VALUE), q.path("tpm").asLong(Long.MAX_VALUE),
                    q.path("rpd").asInt(Integer.MAX_VALUE));
            config.quota(q.path("project").asString("*"), q.path("model").asString("*"), quota);
        }
        for (JsonNode model : root.path("models")) {
            config.model(model.asString());
        }
        return config;
    }

    private static String required(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException("missing '" + field + "' in " + node);
        }
        return node.get(field).asString();
    }
}
