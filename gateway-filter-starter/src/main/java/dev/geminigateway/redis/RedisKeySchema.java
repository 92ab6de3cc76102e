package dev.geminigateway.redis;

/**
 * The Redis key names. Every key carries the same hash tag, {@code {<prefix>}}, so all of a pool's state sits in
 * one Redis Cluster slot and every script can touch any of it without CROSSSLOT errors. A per-group tag is not
 * enough: cooldowns belong to projects, and a project's keys may sit in several groups. The state is small (one
 * hash field per non-active key, one small hash per cooling project), so one slot holds it easily.
 *
 * <pre>
 * {gkr}:states            HASH  key id -> state document (QUARANTINED, DISABLED, COOLING_DOWN, ACTIVE tombstone)
 * {gkr}:failures          HASH  key id -> consecutive failures that were the key's own
 * {gkr}:cool:&lt;project&gt;    HASH  model ("*" = all) -> cooldown document; PEXPIREAT = the latest cooldown's end
 * {gkr}:cool-projects     ZSET  project -> the latest end of its cooldowns (lets a replica load without SCAN)
 * {gkr}:events            pub/sub channel carrying every change
 * </pre>
 *
 * Keys hold fingerprints (key ids) and project names, never a key's secret.
 */
final class RedisKeySchema {

    private final String tag;

    public RedisKeySchema(String prefix) {
        this.tag = "{" + prefix + "}";
    }

    public String states() {
        return tag + ":states";
    }

    public String failures() {
        return tag + ":failures";
    }

    public String cooldowns(String project) {
        return tag + ":cool:" + project;
    }

    public String cooldownProjects() {
        return tag + ":cool-projects";
    }

    public String channel() {
        return tag + ":events";
    }
}
