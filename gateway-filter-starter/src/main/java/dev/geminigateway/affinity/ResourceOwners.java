package dev.geminigateway.affinity;

import java.time.Instant;

import reactor.core.publisher.Mono;

/**
 * Which Gemini project owns a file, cached content or open resumable upload created through the gateway, until
 * Gemini forgets it. Bounded; nothing here ever fails a request: a store that cannot answer says "unknown".
 */
public interface ResourceOwners {

    /** The owning project, or empty when unknown (never an error). */
    Mono<String> owner(String name);

    void remember(String name, String project, Instant expiresAt);

    void forget(String name);
}
