package dev.geminigateway.redis;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts behind every write. Each reads and writes only keys passed in KEYS, all under the pool's hash
 * tag, so each runs atomically on one Redis Cluster node; each publishes its change on the channel in the same
 * atomic step, so a replica never sees a change it cannot also load.
 */
final class StateScripts {

    /**
     * A key's state, the later stamp winning, except that only an operator's change ({@code op}) replaces DISABLED.
     * KEYS: states. ARGV: key id, state document, its stamp, channel, event. Returns 1 when applied, 0 when Redis
     * already held a later (or the same) state, or an operator's DISABLED that this change may not end.
     */
    static final RedisScript<Long> SET_STATE = RedisScript.of("""
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if current then
              if current == ARGV[2] then
                return 0
              end
              local held = cjson.decode(current)
              if held.k == 'DISABLED' and not cjson.decode(ARGV[2]).op then
                return 0
              end
              if tonumber(held.at) > tonumber(ARGV[3]) then
                return 0
              end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PUBLISH', ARGV[4], ARGV[5])
            return 1
            """, Long.class);

    /**
     * Cools (project, model), keeping a longer cooldown already there; prunes the project's ended cooldowns and
     * sets the project hash to expire with its latest one. KEYS: project's cooldown hash, cool-projects index.
     * ARGV: model, until (ms), cooldown document, now (ms), project, channel, event. Returns 1 when applied.
     */
    static final RedisScript<Long> COOL_DOWN = RedisScript.of("""
            local untilMs = tonumber(ARGV[2])
            local now = tonumber(ARGV[4])
            if untilMs <= now then
              return 0
            end
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if current and tonumber(cjson.decode(current).u) >= untilMs then
              return 0
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            local latest = untilMs
            local all = redis.call('HGETALL', KEYS[1])
            for i = 1, #all, 2 do
              local u = tonumber(cjson.decode(all[i + 1]).u)
              if u <= now then
                redis.call('HDEL', KEYS[1], all[i])
              elseif u > latest then
                latest = u
              end
            end
            redis.call('PEXPIREAT', KEYS[1], string.format('%d', latest))
            redis.call('ZADD', KEYS[2], string.format('%d', latest), ARGV[5])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
            redis.call('PUBLISH', ARGV[6], ARGV[7])
            return 1
            """, Long.class);

    /** Ends every cooldown of a project. KEYS: project's cooldown hash, cool-projects index. ARGV: project, channel, event. */
    static final RedisScript<Long> CLEAR_COOLDOWNS = RedisScript.of("""
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('PUBLISH', ARGV[2], ARGV[3])
            return 1
            """, Long.class);

    /** One more own failure of a key; returns the pool-wide count. KEYS: failures. ARGV: key id, channel, origin. */
    static final RedisScript<Long> RECORD_FAILURE = RedisScript.of("""
            local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            redis.call('PUBLISH', ARGV[2], cjson.encode({o = ARGV[3], t = 'F', id = ARGV[1], n = n}))
            return n
            """, Long.class);

    /** Sets a key's failure count (0 removes it). KEYS: failures. ARGV: key id, count, channel, event. */
    static final RedisScript<Long> SET_FAILURES = RedisScript.of("""
            if ARGV[2] == '0' then
              if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
                return 0
              end
            else
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            end
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """, Long.class);

    private StateScripts() {
    }
}
