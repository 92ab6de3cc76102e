package dev.geminigateway.observability;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdWebFilterTest {

    @Test
    void acceptsPlainTokensUpTo64Characters() {
        assertThat(RequestIdWebFilter.accept("abc-DEF_1.2")).isEqualTo("abc-DEF_1.2");
        assertThat(RequestIdWebFilter.accept("a".repeat(64))).isEqualTo("a".repeat(64));
    }

    @Test
    void replacesMissingLongOrUnsafeIds() {
        assertThat(RequestIdWebFilter.accept(null)).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("")).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("a".repeat(65))).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("x\r\nforged: 1")).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("<script>")).matches("[0-9a-f-]{36}");
    }
}
