package dev.geminigateway.health;

import java.net.URI;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.egress.GroupUpstreams;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;
import dev.geminigateway.web.Surface;

/**
 * Re-checks quarantined keys rarely and cheaply: one {@code GET /v1beta/models?pageSize=1} per key per interval,
 * which costs no generation quota. A key that answers 200 returns to rotation; disabled keys are left alone.
 * <p>
 * A listing proves nothing for a key refused only on generation: {@code API_KEY_SERVICE_BLOCKED} names one method
 * (the key's API restrictions exclude it, and it still lists models) and {@code BILLING_DISABLED} refuses what
 * costs money. Probing those with a generation call would spend quota and money on every probe, so they are not
 * probed at all: they stay out until an operator resets them, instead of flapping back into rotation.
 */
public class KeyProber {

    private static final Log log = LogFactory.getLog(KeyProber.class);

    private final KeyRegistry registry;
    private final KeyStateStore store;
    /** Probes use each group's upstream, egress proxy and timeouts, as its requests do. */
    private final GroupUpstreams upstreams;

    public KeyProber(KeyRegistry registry, KeyStateStore store, GroupUpstreams upstreams) {
        this.registry = registry;
        this.store = store;
        this.upstreams = upstreams;
    }

    /** Routes tell where a group's keys are used, so probes go to the same upstream. */
    public void rememberUpstream(String group, URI base) {
        upstreams.remember(group, base);
    }

    /** Probes every quarantined key once; completes with the number that came back. */
    public Mono<Long> probeQuarantined() {
        return Flux.fromIterable(registry.allKeys())
                .filter(key -> store.state(key.id()) instanceof KeyState.Quarantined quarantined
                        && listingCanClear(quarantined))
                .flatMap(key -> probe(key).filter(ok -> ok).map(ok -> key), 4)
                // Only a key still quarantined comes back: one an operator disabled meanwhile stays disabled.
                .filter(key -> store.state(key.id()) instanceof KeyState.Quarantined)
                .doOnNext(key -> {
                    store.setState(key.id(), KeyState.Active.INSTANCE);
                    store.recordSuccess(key.id());
                    log.info("Key " + key.id() + " passed its probe and is back in rotation");
                })
                .count();
    }

    /** Whether a models listing that succeeds shows the key is usable again (see the class comment). */
    public static boolean listingCanClear(KeyState.Quarantined quarantined) {
        String reason = quarantined.reason() == null ? "" : quarantined.reason();
        return !(reason.startsWith("API_KEY_SERVICE_BLOCKED") || reason.startsWith("BILLING_DISABLED"));
    }

    /** One cheap authenticated call with this key: true when Gemini accepts it. */
    public Mono<Boolean> probe(ApiKey key) {
        return status(key).map(code -> code == 200);
    }

    /** The HTTP status Gemini answers this key's models listing with; 0 when no answer came. */
    public Mono<Integer> status(ApiKey key) {
        URI base = upstreams.baseFor(key.group());
        return upstreams.clientFor(key.group()).headers(h -> h.set(Surface.GOOGLE_KEY_HEADER, key.secret()))
                .get()
                .uri(base.resolve("/v1beta/models?pageSize=1").toString())
                .responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
                .onErrorReturn(0);
    }
}
