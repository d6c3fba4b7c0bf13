package dev.appauth.keycloak.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.appauth.keycloak.DependencyUnavailableException;
import dev.appauth.keycloak.Failures;
import dev.appauth.keycloak.redis.EmbeddedRedis;
import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisClients;
import dev.appauth.keycloak.redis.RedisConfig;
import dev.appauth.keycloak.redis.RedisUnavailableException;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/** Redis going away mid-run: every operation fails closed; when Redis is back, the same pool serves again. */
class RedisOutageTest {

    private EmbeddedRedis redis;
    private UnifiedJedis client;
    private RedisAvailability availability;
    private RedisSingleUseStore store;
    private InMemoryRevokedTokenDatabase database;

    @BeforeEach
    void start() {
        redis = EmbeddedRedis.start();
        RedisConfig config = redis.config("outage:");
        client = RedisClients.openVerified(config, "test", "--test--");
        availability = new RedisAvailability("test", config.describeTarget());
        store = new RedisSingleUseStore(client, config.keyPrefix(), availability);
        database = new InMemoryRevokedTokenDatabase();
    }

    @AfterEach
    void stop() {
        client.close();
        redis.close();
    }

    private RedisSingleUseObjectProvider session() {
        RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, database);
        provider.transaction().begin();
        return provider;
    }

    @Test
    void everyOperationThrowsWhileRedisIsDownAndWorksAgainAfterARestart() {
        RedisSingleUseObjectProvider before = session();
        before.put("code", 60, Map.of("a", "b"));
        before.transaction().commit();
        session().putIfAbsent("revoked-jti.revoked", 300);
        assertThat(session().contains("code")).isTrue();

        redis.stop();

        RedisSingleUseObjectProvider during = session();
        assertThatThrownBy(() -> during.remove("code")).isInstanceOf(RedisUnavailableException.class)
                .isInstanceOf(DependencyUnavailableException.class).matches(Failures::isUnavailable);
        assertThatThrownBy(() -> during.get("code")).isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(() -> during.contains("code")).isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(() -> during.putIfAbsent("lock", 60)).isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(() -> during.replace("code", Map.of())).isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(() -> during.contains("revoked-jti.revoked")).isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(() -> during.putIfAbsent("action.revoked", 60)).isInstanceOf(RedisUnavailableException.class);
        during.put("late-code", 60, Map.of());
        assertThatThrownBy(() -> during.transaction().commit()).isInstanceOf(RedisUnavailableException.class);

        assertThat(availability.failures()).isGreaterThanOrEqualTo(8);
        assertThat(availability.outages()).isEqualTo(1);
        assertThat(availability.isDown()).isTrue();

        redis.restart();

        RedisSingleUseObjectProvider after = session();
        // Redis came back empty: the code is gone (never usable twice), the revocation is restored from the database
        assertThat(after.remove("code")).isNull();
        assertThat(after.contains("revoked-jti.revoked")).isTrue();
        assertThat(after.putIfAbsent("lock", 60)).isTrue();
        after.put("new-code", 60, Map.of("n", "1"));
        after.transaction().commit();
        assertThat(session().remove("new-code")).isEqualTo(Map.of("n", "1"));
        assertThat(availability.isDown()).isFalse();
        assertThat(availability.outages()).isEqualTo(1);
    }

    @Test
    void theFirstReadAfterARestartDoesNotFailOnAStaleConnection() {
        session().putIfAbsent("warm", 60);

        redis.stop();
        redis.restart();

        assertThat(session().contains("warm")).isFalse();
        assertThat(availability.failures()).isZero();
    }

    /** SET NX and GETDEL too: a refresh or a link right after the restart is served, not answered 503. */
    @Test
    void theFirstSpendAfterARestartDoesNotFailOnAStaleConnection() {
        session().putIfAbsent("warm", 60);

        redis.stop();
        redis.restart();

        assertThat(session().putIfAbsent("spent-after-restart", 60)).isTrue();
        assertThat(session().putIfAbsent("spent-after-restart", 60)).isFalse();
        RedisSingleUseObjectProvider writer = session();
        writer.put("code", 60, Map.of("n", "1"));
        writer.transaction().commit();
        assertThat(session().remove("code")).isEqualTo(Map.of("n", "1"));
        redis.stop();
        redis.restart();
        // the restarted (in-memory) Redis has lost the code: answered, not failed
        assertThat(session().remove("code")).isNull();
        assertThat(availability.failures()).isZero();
    }

    @Test
    void anErrorReplyInsideAPipelinedCommitIsNotSwallowed() {
        try (UnifiedJedis raw = redis.rawClient()) {
            raw.configSet("maxmemory-policy", "noeviction");
            raw.configSet("maxmemory", "1");
            try {
                RedisSingleUseObjectProvider provider = session();
                provider.put("a", 60, Map.of("x", "1"));
                provider.put("b", 60, Map.of("x", "2"));
                assertThatThrownBy(() -> provider.transaction().commit())
                        .isInstanceOf(RedisUnavailableException.class)
                        .hasRootCauseMessage("OOM command not allowed when used memory > 'maxmemory'.");
            } finally {
                raw.configSet("maxmemory", "0");
            }
        }
    }

    @Test
    void aHungRedisCostsOneSocketTimeoutNotTwo() throws InterruptedException {
        session().putIfAbsent("present", 60);
        try (UnifiedJedis raw = redis.rawClient()) {
            raw.sendCommand(Protocol.Command.CLIENT, "PAUSE", "1500");
        }

        long start = System.nanoTime();
        assertThatThrownBy(() -> session().contains("present")).isInstanceOf(RedisUnavailableException.class);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // the test config's socket timeout is 500 ms
        assertThat(elapsedMs).isBetween(400L, 1000L);
        Thread.sleep(1200);
        assertThat(session().contains("present")).isTrue();
    }
}
