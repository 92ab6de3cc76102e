package dev.geminigateway.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.geminigateway.metrics.MeterCache;

/**
 * {@value #REQUESTS} ({@code gemini_gateway_client_requests_total{client,result}}): requests {@code ClientRateLimit}
 * let through or refused, by client name. The tag is the configured name (or {@code token-<fingerprint>}), never a
 * token, and {@value #BY_ADDRESS} for limits counted by address, so its values are bounded by the issued tokens.
 */
class ClientUsageMetrics {

    static final String REQUESTS = "gemini.gateway.client.requests";
    static final String BY_ADDRESS = "by-address";

    /** Null without a registry. */
    private final MeterCache<Tags, Counter> counters;

    ClientUsageMetrics(MeterRegistry registry) {
        this.counters = registry == null ? null : new MeterCache<>(tags -> Counter.builder(REQUESTS)
                .description("Requests let through or refused by the client rate limit, by client")
                .tag("client", tags.client()).tag("result", tags.result()).register(registry));
    }

    void record(String client, String result) {
        if (counters != null) {
            counters.get(new Tags(client == null ? BY_ADDRESS : client, result)).increment();
        }
    }

    private record Tags(String client, String result) {
    }
}
