package dev.geminigateway.observability;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.store.KeyState;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class GeminiKeysHealthIndicatorTest {

    private final ApiKey a = new ApiKey("AIzaSyHealthKeyAaaaaaaaaaaaaaaaaaaaaaaaa", null, null, "one");
    private final ApiKey b = new ApiKey("AIzaSyHealthKeyBbbbbbbbbbbbbbbbbbbbbbbbb", null, null, "two");
    private final KeyRegistry registry = new KeyRegistry(List.of(new KeyGroup("one", List.of(a), Set.of()),
            new KeyGroup("two", List.of(b), Set.of())));

    @Test
    void downWhenOneGroupHasOnlyQuarantinedOrDisabledKeys() {
        InMemoryKeyStateStore store = new InMemoryKeyStateStore();
        store.setState(b.id(), new KeyState.Disabled(Instant.now(), "operator"));

        Health health = indicator(store).health().block();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().toString()).contains("DISABLED=1").doesNotContain(b.secret())
                .doesNotContain(b.masked());
    }

    @Test
    void degradedButServingWhileASharedStoreIsDisconnected() {
        InMemoryKeyStateStore disconnected = new InMemoryKeyStateStore() {
            @Override
            public boolean connected() {
                return false;
            }

            @Override
            public String kind() {
                return "redis";
            }
        };

        Health health = indicator(disconnected).health().block();

        assertThat(health.getStatus().getCode()).isEqualTo(GeminiKeysHealthIndicator.DEGRADED);
        assertThat(health.getDetails().get("store").toString()).contains("kind=redis").contains("connected=false");
    }

    @Test
    void upWhileEveryGroupHasAUsableKey() {
        assertThat(indicator(new InMemoryKeyStateStore()).health().block().getStatus()).isEqualTo(Status.UP);
    }

    private GeminiKeysHealthIndicator indicator(InMemoryKeyStateStore store) {
        return new GeminiKeysHealthIndicator(new KeyPoolInspector(registry, store, Clock.systemUTC()));
    }
}
