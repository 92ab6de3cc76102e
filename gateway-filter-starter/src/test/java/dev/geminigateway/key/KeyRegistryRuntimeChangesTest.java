package dev.geminigateway.key;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRegistryRuntimeChangesTest {

    private final ApiKey a = new ApiKey("AIzaSyRegistryKeyAaaaaaaaaaaaaaaaaaaaaaa", null, null, "g");
    private final ApiKey b = new ApiKey("AIzaSyRegistryKeyBbbbbbbbbbbbbbbbbbbbbbb", null, null, "g");

    @Test
    void anAddedKeyJoinsItsGroupWithoutChangingGroupsAlreadyHandedOut() {
        KeyRegistry registry = new KeyRegistry(List.of(new KeyGroup("g", List.of(a), Set.of())));
        KeyGroup before = registry.group("g").orElseThrow();

        registry.addKey(b);

        assertThat(before.keys()).containsExactly(a);
        assertThat(registry.group("g").orElseThrow().keys()).containsExactly(a, b);
        assertThat(registry.groupFor(List.of("g"), "any").orElseThrow().keys()).contains(b);
        assertThat(registry.key(b.id())).contains(b);
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void refusesDuplicatesAndUnknownGroupsWithoutShowingTheSecret() {
        KeyRegistry registry = new KeyRegistry(List.of(new KeyGroup("g", List.of(a), Set.of())));

        assertThatThrownBy(() -> registry.addKey(new ApiKey(a.secret(), null, null, "g")))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain(a.secret()).contains(a.id());
        assertThatThrownBy(() -> registry.addKey(new ApiKey(b.secret(), null, null, "nope")))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain(b.secret());
    }

    @Test
    void removesAKeyButNeverTheLastOfAGroup() {
        KeyRegistry registry = new KeyRegistry(List.of(new KeyGroup("g", List.of(a, b), Set.of())));

        assertThat(registry.removeKey(a.id())).contains(a);
        assertThat(registry.key(a.id())).isEmpty();
        assertThat(registry.group("g").orElseThrow().keys()).containsExactly(b);
        assertThat(registry.removeKey("000000000000")).isEmpty();
        assertThatThrownBy(() -> registry.removeKey(b.id())).isInstanceOf(IllegalStateException.class);
    }
}
