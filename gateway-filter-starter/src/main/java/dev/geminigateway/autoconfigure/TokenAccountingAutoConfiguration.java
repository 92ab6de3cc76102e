package dev.geminigateway.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.context.annotation.Bean;

import dev.geminigateway.filter.TokenLimitGatewayFilterFactory;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.token.TokenCalibration;
import dev.geminigateway.token.TokenCounter;
import dev.geminigateway.token.TokenUsageRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

/**
 * Token accounting: the offline {@link TokenCounter}, the {@code TokenLimit} route filter, and the recorder that
 * reconciles estimates with the usage Gemini reports (and learns per-model calibration factors).
 */
@AutoConfiguration
@ConditionalOnClass(AbstractGatewayFilterFactory.class)
@ConditionalOnProperty(name = "spring.cloud.gateway.server.webflux.enabled", matchIfMissing = true)
public class TokenAccountingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TokenCounter tokenCounter() {
        return new TokenCounter();
    }

    @Bean
    @ConditionalOnMissingBean
    public TokenCalibration tokenCalibration() {
        return new TokenCalibration();
    }

    /** Falls back to Micrometer's global registry when the application has no MeterRegistry bean. */
    @Bean
    @ConditionalOnMissingBean
    public TokenUsageRecorder tokenUsageRecorder(ObjectProvider<MeterRegistry> meterRegistry,
            TokenCalibration tokenCalibration, ObjectProvider<KnownModels> models) {
        return new TokenUsageRecorder(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry), tokenCalibration,
                models.getIfAvailable(KnownModels::catalogue));
    }

    @Bean
    @ConditionalOnMissingBean
    public TokenLimitGatewayFilterFactory tokenLimitGatewayFilterFactory(TokenCounter tokenCounter,
            TokenCalibration tokenCalibration) {
        return new TokenLimitGatewayFilterFactory(tokenCounter, tokenCalibration);
    }
}
