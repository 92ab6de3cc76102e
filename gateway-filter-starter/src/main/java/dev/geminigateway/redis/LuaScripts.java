package dev.geminigateway.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import reactor.core.publisher.Mono;

/**
 * Runs Lua scripts by their SHA1 ({@code EVALSHA}), sending a script's text only when Redis does not know it yet
 * (first use, a restarted or flushed server, a new cluster node): the admission script is a few kilobytes, sent on
 * every request otherwise. Same timeout and pause as every other call through {@link RedisCommandsHolder}.
 */
final class LuaScripts {

    private final RedisCommandsHolder redis;
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    LuaScripts(RedisCommandsHolder redis) {
        this.redis = redis;
    }

    <T> Mono<T> run(String script, ScriptOutputType type, String[] keys, String... args) {
        String sha = digests.computeIfAbsent(script, LuaScripts::sha1);
        return redis.<T>call(commands -> commands.evalsha(sha, type, keys, args))
                .onErrorResume(RedisNoScriptException.class,
                        unknown -> redis.<T>call(commands -> commands.eval(script, type, keys, args)));
    }

    static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
