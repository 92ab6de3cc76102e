package dev.geminigateway.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@value #REQUESTS} ({@code gemini_gateway_client_requests_total{client,result}}): requests {@code ClientRateLimit}
 * let through or refused, by client name. The tag is the configured name (or {@code token-<fingerprint>}), never a
 * token, and {@value #BY_ADDRESS} for limits counted by address, so its values are bounded by the issued tokens.
 */
class ClientUsageMetrics {

    static final String REQUESTS = "gemini.gateway.client.requests";
    static final String BY_ADDRESS = "by-address";

    private final MeterRegistry registry;

    ClientUsageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String client, String result) {
        if (registry != null) {
            Counter.builder(REQUESTS).description("Requests let through or refused by the client rate limit, by client")
                    .tag("client", client == null ? BY_ADDRESS : client).tag("result", result)
                    .register(registry).increment();
        }
    }
}
