/**
 * The Redis key-state store: one pool state shared by every gateway replica (DESIGN.md section 7).
 *
 * <h2>Choosing it</h2>
 * {@code gemini.gateway.store.type=redis} or {@code in-memory}. Without that property the Redis store is chosen as
 * soon as Redis is configured explicitly: {@code spring.data.redis.url} (the sample gateway maps {@code REDIS_URL}
 * to it), {@code .host}, {@code .cluster.nodes} or {@code .sentinel.master}. The connection is Spring Boot's
 * ({@code spring-boot-starter-data-redis-reactive}, Lettuce), so standalone, Sentinel and Cluster all work. Tuning:
 * {@code gemini.gateway.store.redis.key-prefix} (default {@code gkr}), {@code .heartbeat} (500ms),
 * {@code .command-timeout} (1s), {@code .startup-sync-timeout} (3s).
 *
 * <h2>Key schema</h2>
 * Every key carries the hash tag {@code {gkr}} (see {@link dev.geminigateway.redis.RedisKeySchema}): the whole
 * pool lives in one Cluster slot, so each script touches only keys of one slot. A tag per group would not do,
 * because cooldowns are per project and a project may span groups. Keys hold key fingerprints and project names,
 * never a key's secret.
 * <pre>
 * {gkr}:states           HASH   key id -> {"k":"QUARANTINED","at":..,"s":..,"r":..} (also DISABLED, COOLING_DOWN
 *                               with "u" = until, and stamped ACTIVE tombstones); no TTL: survives restarts
 * {gkr}:failures         HASH   key id -> consecutive own failures; no TTL
 * {gkr}:cool:&lt;project&gt;   HASH   model ("*" = all) -> {"p":..,"m":..,"u":until,"r":..}; PEXPIREAT its latest end
 * {gkr}:cool-projects    ZSET   project -> its latest cooldown end (load without SCAN)
 * {gkr}:events           channel, one JSON event per change
 * </pre>
 *
 * <h2>Round trips</h2>
 * Reads: none (local view). A request whose attempts change nothing (the usual success) makes no Redis call at all.
 * An attempt that changes state makes one background script call (EVALSHA, which stores and publishes atomically):
 * quarantine, cooldown, a failure of the key's own, or the success that ends a failure streak; a bench is two
 * (the failure and the state). None of them is awaited by the request.
 *
 * <h2>Outage and resynchronisation</h2>
 * While Redis is unreachable the replica serves from its local view, keeps its writes as pending, reports
 * {@code connected() == false}, and counts failed calls in {@code gemini.gateway.store.redis.errors} (gauge
 * {@code gemini.gateway.store.redis.connected}). When the heartbeat reaches Redis again the replica listens on the
 * channel, re-asserts its whole view, then loads the full state and merges it: for a key the later-stamped state
 * wins (so quarantines from both sides are kept unless a later activation exists), for a (project, model) cooldown
 * the later end wins, failure counts changed here while offline win, others come from Redis. Re-asserting also
 * refills a Redis that came back empty. Known limit: a project's cooldowns cleared on another replica while this
 * one was offline come back if this one still holds them.
 */
package dev.geminigateway.redis;
