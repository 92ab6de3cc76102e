package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.geminigateway.affinity.LocalResourceOwners;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateways' owner stores on one real redis-server share what either learned; a dead Redis is "unknown". */
class RedisResourceOwnersTest extends StandaloneRedisTest {

    /** How often a wait that asks Redis asks again. */
    private static final Duration POLL = Duration.ofMillis(10);


    private final List<LettuceConnectionFactory> factories = new ArrayList<>();

    @AfterEach
    void closeConnections() {
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    @Test
    void anOwnerLearnedByOneGatewayIsKnownToTheOtherUntilTheResourceExpires() {
        RedisResourceOwners a = gateway(redis.port());
        RedisResourceOwners b = gateway(redis.port());
        Instant expiry = Instant.now().plus(Duration.ofHours(48));

        a.remember("files/abc123", "project-b", expiry);

        awaitOwner(b, "files/abc123", "project-b");
        long ttl = Long.parseLong(redis.cli("PTTL", "{gkr}:owner:files/abc123"));
        assertThat(ttl).isBetween(Duration.ofHours(47).toMillis(), Duration.ofHours(48).toMillis());
        assertThat(b.owner("cachedContents/unknown").block(Duration.ofSeconds(2))).isNull();
    }

    @Test
    void aForgottenResourceIsForgottenByEveryGateway() {
        RedisResourceOwners a = gateway(redis.port());
        RedisResourceOwners b = gateway(redis.port());
        a.remember("cachedContents/xyz", "project-a", Instant.now().plusSeconds(600));
        awaitOwner(b, "cachedContents/xyz", "project-a");
        RedisResourceOwners c = gateway(redis.port());

        b.forget("cachedContents/xyz");

        Await.until(Duration.ofSeconds(5), POLL, "cachedContents/xyz forgotten by a third gateway",
                () -> c.owner("cachedContents/xyz").block(Duration.ofSeconds(2)) == null);
        assertThat(b.owner("cachedContents/xyz").block(Duration.ofSeconds(2))).isNull();
    }

    @Test
    void withRedisDownALookupIsUnknownAtOnceAndWhatThisGatewayLearnedStillAnswers() {
        RedisResourceOwners a = gateway(redis.port());
        redis.kill();

        a.remember("files/local1", "project-c", Instant.now().plusSeconds(600));

        assertThat(a.owner("files/local1").block(Duration.ofSeconds(2))).isEqualTo("project-c");
        // unknown within the command timeout (500 ms), not an error and not a hang
        assertThat(a.owner("files/elsewhere").block(Duration.ofSeconds(5))).isNull();
    }

    private void awaitOwner(RedisResourceOwners owners, String name, String project) {
        Await.until(Duration.ofSeconds(5), POLL, "owner of " + name + " seen by the other gateway",
                () -> project.equals(owners.owner(name).block(Duration.ofSeconds(2))));
    }

    private RedisResourceOwners gateway(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1",
                port));
        factory.afterPropertiesSet();
        factory.start();
        factories.add(factory);
        Clock clock = Clock.systemUTC();
        return new RedisResourceOwners(new ReactiveStringRedisTemplate(factory), "gkr", Duration.ofMillis(500),
                new LocalResourceOwners(1000, clock), clock);
    }
}
