package dev.geminigateway.affinity;

import java.time.Clock;
import java.time.Instant;

import reactor.core.publisher.Mono;

import dev.geminigateway.client.BoundedExpiringMap;

/** Owners in this process only, bounded: past the cap the entries closest to expiry go first. */
public final class LocalResourceOwners implements ResourceOwners {

    /** Enough for the files and caches of a busy pool's 48 hours; each entry is a few hundred bytes. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private record Owner(String project, Instant expiresAt) implements BoundedExpiringMap.Expiring {
    }

    private final BoundedExpiringMap<String, Owner> owners;
    private final Clock clock;

    public LocalResourceOwners(int maxEntries, Clock clock) {
        this.owners = new BoundedExpiringMap<>(maxEntries, clock);
        this.clock = clock;
    }

    @Override
    public Mono<String> owner(String name) {
        return Mono.justOrEmpty(project(name));
    }

    /** The owning project, or null: a plain read, for callers that must not wait. */
    public String project(String name) {
        Owner owner = owners.get(name);
        return owner == null ? null : owner.project();
    }

    @Override
    public void remember(String name, String project, Instant expiresAt) {
        if (expiresAt.isAfter(clock.instant())) {
            owners.update(name, current -> new Owner(project, expiresAt));
        }
    }

    @Override
    public void forget(String name) {
        owners.update(name, current -> null);
    }
}
