package dev.geminigateway.autoconfigure;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Metrics, admin API and key validation ({@code gemini.gateway.metrics.*}, {@code gemini.gateway.admin.*},
 * {@code gemini.gateway.key-validation.*}).
 *
 * @param metrics what the gateway's meters carry
 * @param admin the admin endpoint's credential
 * @param keyValidation on-demand probing of every key ({@code /health/detailed?validate=true})
 */
@Validated
@ConfigurationProperties("gemini.gateway")
public record ObservabilityProperties(
        @Valid @DefaultValue Metrics metrics,
        @Valid @DefaultValue Admin admin,
        @Valid @DefaultValue KeyValidation keyValidation) {

    /**
     * @param perKeyTags tag upstream-attempt meters with the key's fingerprint id
     * @param maxKeyTags above this many keys the {@code key} tag is {@code other}, so a large pool cannot blow up
     *     the number of time series
     */
    public record Metrics(
            @DefaultValue("true") boolean perKeyTags,
            @DefaultValue("200") @Min(1) int maxKeyTags) {
    }

    /**
     * @param token the admin token ({@code Authorization: Bearer <token>}) for every actuator endpoint except health
     *     and prometheus; falls back to the environment variable {@code GATEWAY_ADMIN_TOKEN}. Unset: those
     *     endpoints refuse every request
     */
    public record Admin(String token) {
        @Override
        public String toString() {
            return "Admin[token=" + (token == null || token.isBlank() ? "unset" : "set") + "]";
        }
    }

    /**
     * @param cacheFor how long one validation of all keys is served before keys are probed again
     * @param concurrency probes in flight at once
     */
    public record KeyValidation(
            @DefaultValue("60s") @NotNull Duration cacheFor,
            @DefaultValue("4") @Min(1) int concurrency) {
    }
}
