package dev.geminigateway.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogSafeTest {

    @Test
    void plainValuesPassUnchanged() {
        assertThat(LogSafe.of("/v1beta/models/gemini-2.5-flash:generateContent"))
                .isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(LogSafe.of(null)).isEqualTo("-");
    }

    @Test
    void lineBreaksAndControlCharactersAreEscaped() {
        String forged = "gemini\r\n2026-12-03 INFO access requestId=x status=200\u0000\u001b[31m\u2028\ttab\\";
        String safe = LogSafe.of(forged);
        assertThat(safe).doesNotContain("\r", "\n", "\u0000", "\u001b", "\u2028", "\t")
                .isEqualTo("gemini\\r\\n2026-12-03 INFO access requestId=x status=200\\u0000\\u001b[31m\\u2028\\ttab\\\\");
        assertThat(safe.chars().noneMatch(Character::isISOControl)).isTrue();
    }

    @Test
    void longValuesAreTruncatedTo200CharactersAndTheRestCounted() {
        String huge = "x".repeat(1024 * 1024);
        String safe = LogSafe.of(huge);
        assertThat(safe).startsWith("x".repeat(LogSafe.MAX_CHARS))
                .doesNotContain("x".repeat(LogSafe.MAX_CHARS + 1))
                .endsWith("...(" + (huge.length() - LogSafe.MAX_CHARS) + " more chars)");
        assertThat(LogSafe.of("y".repeat(LogSafe.MAX_CHARS))).isEqualTo("y".repeat(LogSafe.MAX_CHARS));
        assertThat(LogSafe.of("\n".repeat(1000))).isEqualTo("\\n".repeat(LogSafe.MAX_CHARS) + "...(800 more chars)");
    }
}
