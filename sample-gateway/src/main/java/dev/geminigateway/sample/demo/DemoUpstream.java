package dev.geminigateway.sample.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.simulator.SimulatorConfig;

/**
 * What the demo profile puts behind the gateway: an in-process Gemini simulator that knows four demo keys in three
 * projects, one of them invalid, with small quotas so that rotation shows within a few requests.
 * The keys are the simulator's own: they are worthless anywhere else.
 */
public final class DemoUpstream {

    /** One demo key as both the simulator and the gateway know it. */
    public record DemoKey(String key, String project, KeyStatus status) {
        @Override
        public String toString() {
            return "DemoKey[project=" + project + ", status=" + status + "]";
        }
    }

    public static final String ALPHA = "demo-alpha";
    public static final String BETA = "demo-beta";
    public static final String GAMMA = "demo-gamma";

    public static final List<DemoKey> KEYS = List.of(
            new DemoKey("demo-key-alpha-1", ALPHA, KeyStatus.VALID),
            new DemoKey("demo-key-alpha-2", ALPHA, KeyStatus.VALID),
            new DemoKey("demo-key-beta-1", BETA, KeyStatus.VALID),
            new DemoKey("demo-key-gamma-1", GAMMA, KeyStatus.INVALID));

    /** Shared by both alpha keys: the sixth request in a minute gets Gemini's per-minute 429. */
    public static final Quota ALPHA_QUOTA = Quota.of(5, 250_000, 500);
    public static final Quota BETA_QUOTA = Quota.of(60, 1_000_000, 5_000);

    /** Slow enough to watch a stream arrive with {@code curl -N}. */
    public static final int STREAM_CHUNKS = 5;
    public static final Duration STREAM_INTERVAL = Duration.ofMillis(150);

    private DemoUpstream() {
    }

    public static List<DemoKey> invalidKeys() {
        return KEYS.stream().filter(key -> key.status() != KeyStatus.VALID).toList();
    }

    public static List<DemoKey> validKeys() {
        return KEYS.stream().filter(key -> key.status() == KeyStatus.VALID).toList();
    }

    /** A free port of 127.0.0.1, so that several demo gateways (and tests) can run side by side. */
    static SimulatorConfig simulatorConfig() {
        SimulatorConfig config = SimulatorConfig.defaults()
                .host("127.0.0.1")
                .port(0)
                .streaming(STREAM_CHUNKS, STREAM_INTERVAL);
        KEYS.forEach(key -> config.key(key.key(), key.project(), key.status()));
        config.quota(ALPHA, "*", ALPHA_QUOTA);
        config.quota(BETA, "*", BETA_QUOTA);
        return config;
    }

    /** The gateway side: the route upstream and the key group, as {@code KEY@project,...}. */
    static Map<String, Object> gatewayProperties(String simulatorUrl) {
        return Map.of(
                "gateway.upstream-url", simulatorUrl,
                "gemini.gateway.probe.base-url", simulatorUrl,
                "gemini.gateway.groups.default.keys",
                KEYS.stream().map(key -> key.key() + "@" + key.project()).collect(Collectors.joining(",")));
    }
}
