package dev.geminigateway.redis;

/**
 * The Lua scripts of {@link RedisQuotaLedgers}. The keys of one (project, model) share a hash tag, so each script runs
 * atomically on one Redis Cluster node. Lists are handed to {@code unpack()} at most {@link #CHUNK} at a time: Lua's
 * stack holds about 8,000 values, and a window of a busy project holds more entries than that.
 * <p>
 * KEYS of every window script: admissions (zset id → ms), tokens (hash id → tokens), token total, today's count.
 */
final class QuotaScripts {

    static final int CHUNK = 1000;

    /** Drops the admissions at or before {@code upTo} from the window, chunk by chunk. */
    private static final String PRUNE = """
            local function prune(upTo)
              while true do
                local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', upTo, 'LIMIT', 0, %d)
                if #old == 0 then return end
                local sum = 0
                for _, v in ipairs(redis.call('HMGET', KEYS[2], unpack(old))) do if v then sum = sum + tonumber(v) end end
                redis.call('ZREM', KEYS[1], unpack(old))
                redis.call('HDEL', KEYS[2], unpack(old))
                redis.call('DECRBY', KEYS[3], sum)
              end
            end
            """.formatted(CHUNK);

    /**
     * Sets the real input tokens of admissions still in the window: ARGV pairs (id, tokens) from {@code from} on.
     * Usage corrections travel in batches ({@link PendingCorrections}), with an admission or on their own.
     */
    private static final String CORRECT = """
            local function correct(from)
              for i = from, #ARGV, 2 do
                if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
                  local before = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
                  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
                  redis.call('INCRBY', KEYS[3], tonumber(ARGV[i + 1]) - before)
                end
              end
            end
            """;

    /**
     * Reserves one request (minute and day) when every limit has room, after applying the pair's waiting usage
     * corrections (ARGV pairs from 10 on). ARGV: now, window, rpm, tpm, rpd (-1: none),
     * tokens, id, ms to the next Pacific midnight, day key ttl, then corrections. Returns {verdict, wait ms (-1: never), requests,
     * tokens, today}: verdict 0 granted, 1 RPM, 2 TPM, 3 RPD; the usage counts are after the verdict.
     */
    static final String ACQUIRE = PRUNE + CORRECT + """
            correct(10)
            local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
            local rpm, tpm, rpd = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
            local tokens = tonumber(ARGV[6])
            prune(now - window)
            local count = redis.call('ZCARD', KEYS[1])
            local total = tonumber(redis.call('GET', KEYS[3]) or '0')
            local today = tonumber(redis.call('GET', KEYS[4]) or '0')
            if (rpm >= 0 and count + 1 > rpm) or (tpm >= 0 and total + tokens > tpm) then
              local verdict = 2
              if rpm >= 0 and count + 1 > rpm then verdict = 1 end
              if rpm == 0 or (tpm >= 0 and tokens > tpm) then return {verdict, -1, count, total, today} end
              local needRequests, needTokens = 0, 0
              if rpm >= 0 then needRequests = math.max(0, count + 1 - rpm) end
              if tpm >= 0 then needTokens = math.max(0, total + tokens - tpm) end
              local freedRequests, freedTokens, from = 0, 0, 0
              while true do
                local entries = redis.call('ZRANGE', KEYS[1], from, from + %d - 1, 'WITHSCORES')
                if #entries == 0 then return {verdict, -1, count, total, today} end
                for i = 1, #entries, 2 do
                  freedRequests = freedRequests + 1
                  freedTokens = freedTokens + tonumber(redis.call('HGET', KEYS[2], entries[i]) or '0')
                  if freedRequests >= needRequests and freedTokens >= needTokens then
                    return {verdict, math.max(1, tonumber(entries[i + 1]) + window - now), count, total, today}
                  end
                end
                from = from + %d
              end
            end
            if rpd >= 0 and today + 1 > rpd then
              local wait = tonumber(ARGV[8])
              if rpd == 0 then wait = -1 end
              return {3, wait, count, total, today}
            end
            if rpm >= 0 or tpm >= 0 then
              redis.call('ZADD', KEYS[1], now, ARGV[7])
              redis.call('HSET', KEYS[2], ARGV[7], tokens)
              redis.call('INCRBY', KEYS[3], tokens)
              for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], window * 2) end
              count, total = count + 1, total + tokens
            end
            if rpd >= 0 then
              today = redis.call('INCR', KEYS[4])
              redis.call('PEXPIRE', KEYS[4], ARGV[9])
            end
            return {0, 0, count, total, today}
            """.formatted(CHUNK, CHUNK);

    /** A batch of usage corrections on its own: ARGV pairs (id, tokens). */
    static final String CORRECTIONS = CORRECT + """
            correct(1)
            return 1
            """;

    /**
     * Gives back one reservation (a refund; usage corrections go by {@link #CORRECTIONS}). ARGV: id ('' when the minute was not charged), new tokens (-1: refund),
     * 1 when the day was charged and is refunded. The minute changes only while the admission is in the window.
     */
    static final String ADJUST = """
            if ARGV[1] ~= '' and redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              local before = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
              local after = tonumber(ARGV[2])
              if after < 0 then
                redis.call('ZREM', KEYS[1], ARGV[1])
                redis.call('HDEL', KEYS[2], ARGV[1])
                redis.call('DECRBY', KEYS[3], before)
              else
                redis.call('HSET', KEYS[2], ARGV[1], after)
                redis.call('INCRBY', KEYS[3], after - before)
              end
            end
            if ARGV[3] == '1' and tonumber(redis.call('GET', KEYS[4]) or '0') > 0 then
              redis.call('DECR', KEYS[4])
            end
            return 1
            """;

    /** Usage now: ARGV now, window. Returns {requests, tokens, today}. */
    static final String USAGE = PRUNE + """
            prune(tonumber(ARGV[1]) - tonumber(ARGV[2]))
            return {redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0'),
              tonumber(redis.call('GET', KEYS[4]) or '0')}
            """;

    /**
     * USAGE, and when the oldest admission entered the window (-1: empty), for the operator's headroom view.
     * ARGV: now, window.
     */
    static final String WINDOW = PRUNE + """
            prune(tonumber(ARGV[1]) - tonumber(ARGV[2]))
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local at = -1
            if #oldest == 2 then at = tonumber(oldest[2]) end
            return {redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0'),
              tonumber(redis.call('GET', KEYS[4]) or '0'), at}
            """;

    /** Gemini says the day is used up: today's count becomes at least the limit. ARGV: rpd, day key ttl. */
    static final String EXHAUST_DAY = """
            local today = tonumber(redis.call('GET', KEYS[4]) or '0')
            if today < tonumber(ARGV[1]) then
              redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
            end
            return 1
            """;

    /**
     * A limit learned from a 429, for every replica until it expires; drops expired ones. KEYS: the learned hash.
     * ARGV: field, value, until (ms), now (ms), both by the gateway's clock. Values read "limit@until".
     */
    static final String SHARE_LEARNED = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '@' .. ARGV[3])
            local now = tonumber(ARGV[4])
            local latest = tonumber(ARGV[3])
            local all = redis.call('HGETALL', KEYS[1])
            for i = 1, #all, 2 do
              local untilMs = tonumber(string.match(all[i + 1], '@(%d+)$') or '0')
              if untilMs <= now then redis.call('HDEL', KEYS[1], all[i]) elseif untilMs > latest then latest = untilMs end
            end
            redis.call('PEXPIRE', KEYS[1], latest - now)
            return 1
            """;

    private QuotaScripts() {
    }
}
