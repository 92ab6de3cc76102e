package dev.geminigateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.client.ClientBudgets;
import dev.geminigateway.client.TokenBudget;
import dev.geminigateway.support.MutableClock;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Two replicas' budgets on one real redis-server spend from one budget; a dead Redis leaves each counting alone. */
class RedisClientBudgetsTest extends StandaloneRedisTest {

    private static final Duration WAIT = Duration.ofSeconds(5);


    private final List<LettuceConnectionFactory> factories = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-14T12:00:00Z"));

    @AfterEach
    void closeConnections() {
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    @Test
    void twoReplicasSpendOneRequestBudgetAndItRenewsAtMidnightOfTheZone() {
        Map<String, TokenBudget> budgets = Map.of("shared-app", new TokenBudget(3, 0, 0, 0, 0, 0));
        ClientBudgets a = replica(budgets);
        ClientBudgets b = replica(budgets);

        assertThat(a.admit("shared-app").block(WAIT)).isNull();
        assertThat(b.admit("shared-app").block(WAIT)).isNull();
        assertThat(a.admit("shared-app").block(WAIT)).isNull();
        ClientBudgets.Exhausted refused = b.admit("shared-app").block(WAIT);

        assertThat(refused).isNotNull();
        assertThat(refused.measure()).isEqualTo("3 requests per day");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofHours(12));
        // a refused request is given back: the shared count stays at the budget
        assertThat(redis.cli("HGET", "gemini-gateway:budget:{shared-app}:d:2026-05-14", "r")).isEqualTo("3");

        clock.set(Instant.parse("2026-05-15T00:00:01Z"));
        assertThat(a.admit("shared-app").block(WAIT)).isNull();
    }

    @Test
    void tokensOneReplicaRecordsExhaustTheOtherReplicasOutputBudget() {
        Map<String, TokenBudget> budgets = Map.of("token-app", new TokenBudget(0, 0, 0, 0, 0, 100));
        ClientBudgets a = replica(budgets);
        ClientBudgets b = replica(budgets);
        assertThat(b.admit("token-app").block(WAIT)).isNull();

        a.record("token-app", new Usage(10, 150, 160));

        long deadline = System.nanoTime() + WAIT.toNanos();
        ClientBudgets.Exhausted refused = null;
        while (refused == null && System.nanoTime() < deadline) {
            refused = b.admit("token-app").block(WAIT);
        }
        assertThat(refused).isNotNull();
        assertThat(refused.measure()).isEqualTo("100 output tokens per month");
        assertThat(refused.renewsAt()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
    }

    @Test
    void withRedisGoneEachReplicaCountsOnFromTheTotalsItLastSaw() {
        Map<String, TokenBudget> budgets = Map.of("outage-app", new TokenBudget(3, 0, 0, 0, 0, 0));
        ClientBudgets a = replica(budgets);
        assertThat(a.admit("outage-app").block(WAIT)).isNull();
        assertThat(a.admit("outage-app").block(WAIT)).isNull();

        redis.kill();

        // the replica gives Redis 500 ms; each answer must come within WAIT (block fails past it), timed by no clock here
        assertThat(a.admit("outage-app").block(WAIT)).as("third request, counted locally").isNull();
        assertThat(a.admit("outage-app").block(WAIT)).as("fourth: the local count knows the budget is used")
                .isNotNull();
    }

    private ClientBudgets replica(Map<String, TokenBudget> budgets) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        factory.afterPropertiesSet();
        factory.start();
        factories.add(factory);
        RedisClientBudgets shared = new RedisClientBudgets(new ReactiveStringRedisTemplate(factory),
                Duration.ofMillis(500));
        return new ClientBudgets(budgets, ZoneId.of("UTC"), clock, shared, null);
    }
}
