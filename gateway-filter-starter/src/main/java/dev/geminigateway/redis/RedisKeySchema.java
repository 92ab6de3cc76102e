package dev.geminigateway.redis;

import java.time.LocalDate;
import java.util.List;

/**
 * Every Redis key name the gateway uses, in one place. Each Lua script touches only keys that share one hash tag
 * (the part in braces), so each runs on one Redis Cluster node without CROSSSLOT errors:
 *
 * <pre>
 * key state, tag {&lt;prefix&gt;} (default {gkr}): the whole pool in one slot
 *   {gkr}:states              HASH  key id -> state document (QUARANTINED, DISABLED, COOLING_DOWN, ACTIVE tombstone)
 *   {gkr}:failures            HASH  key id -> consecutive failures that were the key's own
 *   {gkr}:cool:&lt;project&gt;      HASH  model ("*" = all) -> cooldown document; PEXPIREAT = the latest cooldown's end
 *   {gkr}:cool-projects       ZSET  project -> the latest end of its cooldowns (lets a replica load without SCAN)
 *   {gkr}:events              pub/sub channel carrying every change
 *   {gkr}:owner:&lt;resource&gt;    STRING "&lt;expiry ms&gt; &lt;project&gt;", expiring with the file or cached content
 * quota ledgers, tag {&lt;project&gt;/&lt;model&gt;}: one slot per ledger, so ledgers spread over the cluster
 *   gq:{p/m}:z                ZSET  admission id -> admission time (ms): the sliding minute
 *   gq:{p/m}:h                HASH  admission id -> its input tokens
 *   gq:{p/m}:t                STRING the minute's token total
 *   gq:{p/m}:d:&lt;pacific date&gt; STRING today's requests
 *   gq:{learned}              HASH  project, model, metric -> "limit@until ms": limits learned from Gemini's 429s
 * client buckets: one key per bucket (bucket4j's compare-and-swap touches only it)
 *   gemini-gateway:client-rate:&lt;limits&gt;:&lt;route|client&gt;   bucket4j state, expiring once the bucket is full again
 * </pre>
 *
 * A per-group tag would not do for key state: cooldowns belong to projects, and a project's keys may sit in several
 * groups. The key state is small (one hash field per non-active key, one small hash per cooling project), so one
 * slot holds it easily. Keys hold fingerprints (key ids), project, model and route names, never a key's secret.
 */
final class RedisKeySchema {

    static final String CLIENT_BUCKET_PREFIX = "gemini-gateway:client-rate:";

    private final String tag;

    RedisKeySchema(String prefix) {
        this.tag = "{" + prefix + "}";
    }

    String states() {
        return tag + ":states";
    }

    String failures() {
        return tag + ":failures";
    }

    String cooldowns(String project) {
        return tag + ":cool:" + project;
    }

    String cooldownProjects() {
        return tag + ":cool-projects";
    }

    String channel() {
        return tag + ":events";
    }

    /** The owner of an uploaded file or cached content ("files/abc", "cachedContents/xyz"). */
    String owner(String resource) {
        return tag + ":owner:" + resource;
    }

    /** The keys of one ledger, in the order every ledger script takes them: window, tokens, token total, today. */
    static String[] ledger(String prefix, String project, String model, LocalDate pacificDay) {
        String ledger = prefix + ":{" + project + "/" + model + "}";
        return new String[] { ledger + ":z", ledger + ":h", ledger + ":t", ledger + ":d:" + pacificDay };
    }

    static String learnedLimits(String prefix) {
        return prefix + ":{learned}";
    }

    static String clientBucket(String bucket) {
        return CLIENT_BUCKET_PREFIX + bucket;
    }

    /** A client's day and month budget counters: one hash tag per client, so a script may touch both. */
    static List<String> clientBudget(String client, String day, String month) {
        String base = "gemini-gateway:budget:{" + client + "}";
        return List.of(base + ":d:" + day, base + ":m:" + month);
    }
}
