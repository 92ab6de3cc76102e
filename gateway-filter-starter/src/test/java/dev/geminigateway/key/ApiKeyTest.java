package dev.geminigateway.key;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyTest {

    private static final String SECRET = "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrSX1yZ";

    @Test
    void fingerprintAndMaskHideTheSecret() {
        ApiKey key = new ApiKey(SECRET, null, null, "default");
        assertThat(key.id()).hasSize(12).matches("[0-9a-f]{12}").isEqualTo(ApiKey.fingerprint(SECRET));
        assertThat(key.masked()).isEqualTo("AIza…X1yZ");
        assertThat(key.toString()).doesNotContain(SECRET.substring(4, 30));
        assertThat(key.project()).isEqualTo("project-" + key.id());
        assertThat(key.label()).isEqualTo("AIza…X1yZ");
    }

    @Test
    void registryRejectsEmptyGroupsAndDuplicatesWithoutShowingTheKey() {
        assertThatThrownBy(() -> new KeyRegistry(List.of(new KeyGroup("empty", List.of(), Set.of()))))
                .hasMessageContaining("'empty' has no keys");
        ApiKey a = new ApiKey(SECRET, "p", null, "one");
        ApiKey b = new ApiKey(SECRET, "p", null, "two");
        assertThatThrownBy(() -> new KeyRegistry(List.of(new KeyGroup("one", List.of(a), Set.of()),
                new KeyGroup("two", List.of(b), Set.of()))))
                .hasMessageContaining("listed twice").hasMessageContaining(a.id())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }

    @Test
    void theModelPicksTheGroupThatListsIt() {
        KeyRegistry registry = new KeyRegistry(List.of(
                new KeyGroup("pro", List.of(new ApiKey(SECRET, "p", null, "pro")), Set.of("gemini-2.5-pro")),
                new KeyGroup("default", List.of(new ApiKey(SECRET + "2", "p", null, "default")), Set.of())));
        assertThat(registry.groupFor(List.of("default", "pro"), "gemini-2.5-pro").orElseThrow().name()).isEqualTo("pro");
        assertThat(registry.groupFor(List.of("default", "pro"), "gemini-2.5-flash").orElseThrow().name()).isEqualTo("default");
        assertThat(registry.groupFor(List.of("pro"), "gemini-2.5-flash")).isEmpty();
    }
}
