package dev.appauth.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.appauth.keycloak.redis.EmbeddedRedis;
import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisClients;
import dev.appauth.keycloak.redis.RedisUnavailableException;
import redis.clients.jedis.UnifiedJedis;

class RedisRateLimitProviderTest extends RateLimitProviderContractTest {

    private static EmbeddedRedis redis;
    private static UnifiedJedis raw;

    private UnifiedJedis client;
    private RedisAvailability availability;
    private RedisRateLimitProvider provider;

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.start();
        raw = redis.rawClient();
    }

    @AfterAll
    static void stopRedis() {
        raw.close();
        redis.close();
    }

    @BeforeEach
    void connect() {
        raw.flushAll();
        client = RedisClients.openVerified(redis.config("rl-test:"), "test", "--test--");
        availability = new RedisAvailability("test", redis.url());
        provider = new RedisRateLimitProvider(client, "rl-test:", availability, true);
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Override
    protected RateLimitProvider provider() {
        return provider;
    }

    @Test
    void bucketsLiveUnderThePrefixHashedAndWithATtl() {
        provider.hit("login:account:alice@example.com", 5, Duration.ofSeconds(60));
        provider.cooldown("resend:alice@example.com", Duration.ofSeconds(30));

        Set<String> keys = raw.keys("*");
        assertThat(keys).hasSize(2).allMatch(key -> key.startsWith("rl-test:rl:") || key.startsWith("rl-test:cd:"));
        assertThat(keys).noneMatch(key -> key.contains("alice"));
        for (String key : keys) {
            assertThat(raw.ttl(key)).isBetween(1L, 60L);
        }
    }

    @Test
    void failsOpenWhenRedisIsDownByDefaultAndCountsIt() {
        try (EmbeddedRedis own = EmbeddedRedis.start();
                UnifiedJedis ownClient = RedisClients.openVerified(own.config("x:"), "test", "--test--")) {
            RedisAvailability ownAvailability = new RedisAvailability("test", own.url());
            RedisRateLimitProvider failOpen = new RedisRateLimitProvider(ownClient, "x:", ownAvailability, true);
            failOpen.hit("b", 1, Duration.ofMinutes(1));
            assertThat(failOpen.hit("b", 1, Duration.ofMinutes(1)).allowed()).isFalse();

            own.stop();

            assertThat(failOpen.hit("b", 1, Duration.ofMinutes(1)).allowed()).isTrue();
            assertThat(failOpen.cooldown("c", Duration.ofMinutes(1)).allowed()).isTrue();
            assertThat(failOpen.failOpenAllowed()).isEqualTo(2);
            assertThat(ownAvailability.failures()).isEqualTo(2);
            assertThat(ownAvailability.outages()).isEqualTo(1);

            own.restart();

            assertThat(failOpen.hit("b", 1, Duration.ofMinutes(1)).allowed()).isTrue();
            assertThat(failOpen.hit("b", 1, Duration.ofMinutes(1)).allowed()).isFalse();
        }
    }

    @Test
    void failsClosedWhenConfiguredSo() {
        try (EmbeddedRedis own = EmbeddedRedis.start();
                UnifiedJedis ownClient = RedisClients.openVerified(own.config("y:"), "test", "--test--")) {
            RedisRateLimitProvider failClosed = new RedisRateLimitProvider(ownClient, "y:", new RedisAvailability("test", own.url()), false);

            own.stop();

            assertThatThrownBy(() -> failClosed.hit("b", 5, Duration.ofMinutes(1))).isInstanceOf(RedisUnavailableException.class);
            assertThatThrownBy(() -> failClosed.cooldown("c", Duration.ofMinutes(1))).isInstanceOf(RedisUnavailableException.class);
            assertThat(failClosed.failOpenAllowed()).isZero();
        }
    }
}
