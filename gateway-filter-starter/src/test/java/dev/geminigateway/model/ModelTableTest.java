package dev.geminigateway.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelTableTest {

    private final KnownModels known = new KnownModels(List.of("models/my-configured-model"), 100);

    @Test
    void aMillionMadeUpModelsKeepTheTableAtItsBound() {
        ModelTable<AtomicInteger> table = new ModelTable<>(known, key -> new AtomicInteger());
        for (int i = 0; i < 1_000_000; i++) {
            table.get("default", "made-up-model-" + i).incrementAndGet();
            if (i % 100_000 == 0) {
                assertThat(table.size()).isLessThanOrEqualTo(100);
            }
        }
        assertThat(table.size()).isEqualTo(100);
    }

    @Test
    void knownModelsAreNeverPushedOutByMadeUpOnes() {
        ModelTable<AtomicInteger> table = new ModelTable<>(known, key -> new AtomicInteger());
        table.get("default", "gemini-2.5-flash").set(7);
        table.get("default", "my-configured-model").set(8);
        for (int i = 0; i < 10_000; i++) {
            table.get("default", "made-up-model-" + i);
        }
        assertThat(table.peek("default", "gemini-2.5-flash")).hasValue(7);
        assertThat(table.peek("default", "my-configured-model")).hasValue(8);
        assertThat(table.size()).isEqualTo(102);
    }

    @Test
    void theLeastRecentlyUsedOtherModelIsDroppedFirst() {
        ModelTable<AtomicInteger> table = new ModelTable<>(new KnownModels(List.of(), 2), key -> new AtomicInteger());
        table.get("g", "first").set(1);
        table.get("g", "second").set(2);
        table.get("g", "first");
        table.get("g", "third");
        assertThat(table.peek("g", "first")).hasValue(1);
        assertThat(table.peek("g", "second")).isNull();
        assertThat(table.peek("g", "third")).isNotNull();
    }

    @Test
    void entriesAreCreatedOncePerScopeAndModelWithTheirKey() {
        List<String> created = new java.util.ArrayList<>();
        ModelTable<String> table = new ModelTable<>(known, key -> {
            created.add(key);
            return key;
        });
        assertThat(table.get("a", "gemini-2.5-pro")).isEqualTo("a/gemini-2.5-pro");
        assertThat(table.get("a", "gemini-2.5-pro")).isEqualTo("a/gemini-2.5-pro");
        assertThat(table.get("b", "gemini-2.5-pro")).isEqualTo("b/gemini-2.5-pro");
        assertThat(table.get("a", "other-model")).isEqualTo("a/other-model");
        assertThat(table.get("a", "other-model")).isEqualTo("a/other-model");
        assertThat(created).containsExactly("a/gemini-2.5-pro", "b/gemini-2.5-pro", "a/other-model");
        assertThat(table.values()).containsExactlyInAnyOrder("a/gemini-2.5-pro", "b/gemini-2.5-pro", "a/other-model");
    }

    @Test
    void meterTagsNameOnlyKnownModels() {
        assertThat(known.tag("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(known.tag("my-configured-model")).isEqualTo("my-configured-model");
        assertThat(known.tag("made-up-model-1")).isEqualTo(KnownModels.OTHER);
        assertThat(known.tag(null)).isEqualTo(KnownModels.OTHER);
        assertThat(new KnownModels(List.of("*")).isKnown("*")).isFalse();
    }
}
