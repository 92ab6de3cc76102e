/**
 * Every Redis backend of the gateway, sharing one connection handling ({@code LazyRedisConnection},
 * or Spring Data's template on the same Lettuce connection) and one key-naming scheme with hash tags
 * ({@code RedisKeySchema}), so that each Lua script runs on one Redis Cluster node:
 * <ul>
 * <li>the key-state store ({@link dev.geminigateway.redis.RedisKeyStateStore}: local view, background writer,
 * pub/sub sync and resync after an outage);</li>
 * <li>the quota ledgers ({@link dev.geminigateway.redis.RedisQuotaLedgers}) and the limits learned from 429s
 * ({@link dev.geminigateway.redis.SharedLearnedLimits});</li>
 * <li>client buckets ({@link dev.geminigateway.redis.RedisClientBuckets}) and resource owners
 * ({@link dev.geminigateway.redis.RedisResourceOwners}).</li>
 * </ul>
 * Each falls back to this replica's own state while Redis is slow or down: a Redis outage fails no request.
 * Design, key schema and timeouts: docs/ARCHITECTURE.md §6. Only what the auto-configuration builds is public.
 */
package dev.geminigateway.redis;
