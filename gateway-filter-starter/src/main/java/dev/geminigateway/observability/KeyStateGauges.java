package dev.geminigateway.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.geminigateway.key.KeyRegistry;

/**
 * {@value #KEYS} ({@code gemini_gateway_keys{state,group}}): keys per group and state, computed when scraped. One
 * inspection serves every gauge of a scrape (they are read within milliseconds).
 */
public class KeyStateGauges implements MeterBinder {

    public static final String KEYS = "gemini.gateway.keys";

    private static final long REUSE_NANOS = Duration.ofMillis(200).toNanos();

    private final KeyPoolInspector inspector;
    private final KeyRegistry registry;
    private volatile Map<String, KeyPoolInspector.GroupStatus> last = Map.of();
    private volatile long lastAt;

    public KeyStateGauges(KeyPoolInspector inspector, KeyRegistry registry) {
        this.inspector = inspector;
        this.registry = registry;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (String group : registry.groupNames()) {
            for (String state : KeyPoolInspector.STATES) {
                Gauge.builder(KEYS, () -> count(group, state))
                        .description("Keys per group and state")
                        .tag("group", group).tag("state", state)
                        .register(meters);
            }
        }
    }

    private int count(String group, String state) {
        long now = System.nanoTime();
        Map<String, KeyPoolInspector.GroupStatus> groups = last;
        if (now - lastAt > REUSE_NANOS || groups.isEmpty()) {
            List<KeyPoolInspector.GroupStatus> fresh = inspector.inspect();
            groups = fresh.stream().collect(Collectors.toMap(KeyPoolInspector.GroupStatus::name, g -> g));
            last = groups;
            lastAt = now;
        }
        KeyPoolInspector.GroupStatus status = groups.get(group);
        return status == null ? 0 : status.byState().getOrDefault(state, 0);
    }
}
