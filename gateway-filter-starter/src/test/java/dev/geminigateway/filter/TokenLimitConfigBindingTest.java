package dev.geminigateway.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.cloud.gateway.support.NameUtils;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.geminigateway.token.TokenCalibration;
import dev.geminigateway.token.TokenCounter;

/** Binds route arguments the way Spring Cloud Gateway does for {@code filters: [TokenLimit=125000]}. */
class TokenLimitConfigBindingTest {

    private static final Validator NO_VALIDATION = new Validator() {
        @Override
        public boolean supports(Class<?> type) {
            return false;
        }

        @Override
        public void validate(Object target, Errors errors) {
        }
    };

    private final TokenLimitGatewayFilterFactory factory =
            new TokenLimitGatewayFilterFactory(new TokenCounter(), new TokenCalibration());
    private final ConfigurationService service = new ConfigurationService(new DefaultListableBeanFactory(),
            DefaultConversionService::getSharedInstance, () -> NO_VALIDATION);

    @Test
    void shortcutSetsMaxTokensAndKeepsDefaults() {
        TokenLimitGatewayFilterFactory.Config config = service.with(factory).name(factory.name())
                .properties(Map.of(NameUtils.generateName(0), "125000")).bind();
        assertThat(config.getMaxTokens()).isEqualTo(125000);
        assertThat(config.getCalibrationFactor()).isEqualTo(1.0);
        assertThat(config.getPerImageTokens()).isEqualTo(258);
    }

    @Test
    void namedArgumentsBindEveryOption() {
        TokenLimitGatewayFilterFactory.Config config = service.with(factory).name(factory.name())
                .properties(Map.of("maxTokens", "1000", "calibrationFactor", "1.2", "perImageTokens", "300",
                        "maxBodyBytes", "2048", "autoCalibrate", "true"))
                .bind();
        assertThat(config.getMaxTokens()).isEqualTo(1000);
        assertThat(config.getCalibrationFactor()).isEqualTo(1.2);
        assertThat(config.getPerImageTokens()).isEqualTo(300);
        assertThat(config.getMaxBodyBytes()).isEqualTo(2048);
        assertThat(config.isAutoCalibrate()).isTrue();
    }
}
