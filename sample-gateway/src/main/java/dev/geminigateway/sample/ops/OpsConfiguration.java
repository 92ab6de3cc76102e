package dev.geminigateway.sample.ops;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Operations defaults of the sample gateway (actuator exposure, Kubernetes probe groups, request-id propagation into
 * log lines), from {@code ops-defaults.properties}. A {@code @PropertySource} ranks below application.yml, profiles,
 * environment variables and the command line, so each of these can still be overridden there.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:ops-defaults.properties")
public class OpsConfiguration {
}
