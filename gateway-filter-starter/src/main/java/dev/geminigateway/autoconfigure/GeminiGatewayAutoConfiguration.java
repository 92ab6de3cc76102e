package dev.geminigateway.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/** Contributes the Gemini key-rotation filters, the key-state store and their support beans. */
@AutoConfiguration
public class GeminiGatewayAutoConfiguration {
}
