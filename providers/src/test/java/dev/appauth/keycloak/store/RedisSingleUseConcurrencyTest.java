package dev.appauth.keycloak.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.appauth.keycloak.redis.EmbeddedRedis;
import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisClients;
import dev.appauth.keycloak.redis.RedisConfig;
import redis.clients.jedis.UnifiedJedis;

/** Single use under contention: 16 threads race for one key, several hundred rounds, exactly one wins each. */
class RedisSingleUseConcurrencyTest {

    private static final int THREADS = 16;
    private static final int ROUNDS = 300;

    private static EmbeddedRedis redis;
    private static UnifiedJedis client;
    private static RedisSingleUseStore store;
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.start();
        RedisConfig config = redis.config("race:");
        client = RedisClients.openVerified(config, "test", "--test--");
        store = new RedisSingleUseStore(client, config.keyPrefix(), new RedisAvailability("test", config.describeTarget()));
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        client.close();
        redis.close();
    }

    /** Each thread uses its own provider, as each Keycloak request has its own session. */
    private static RedisSingleUseObjectProvider newSession() {
        RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, new InMemoryRevokedTokenDatabase());
        provider.transaction().begin();
        return provider;
    }

    @Test
    void exactlyOneRemoveGetsTheCode() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String key = "code-" + round;
            RedisSingleUseObjectProvider writer = newSession();
            writer.put(key, 60, Map.of("round", Integer.toString(round)));
            writer.transaction().commit();

            List<Object> results = race(provider -> provider.remove(key));

            assertThat(results.stream().filter(r -> r != null).toList())
                    .as("round %d", round)
                    .containsExactly(Map.of("round", Integer.toString(round)));
        }
    }

    @Test
    void exactlyOnePutIfAbsentWins() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String key = "lock-" + round;
            List<Object> results = race(provider -> provider.putIfAbsent(key, 60));
            assertThat(results).as("round %d", round).containsOnlyOnce(true).hasSize(THREADS);
        }
    }

    @Test
    void exactlyOneUseOfAnActionToken() throws Exception {
        for (int round = 0; round < ROUNDS / 3; round++) {
            String key = "action-" + round + ".revoked";
            List<Object> results = race(provider -> provider.putIfAbsent(key, 60));
            assertThat(results).as("round %d", round).containsOnlyOnce(true).hasSize(THREADS);
        }
    }

    private static List<Object> race(Function<RedisSingleUseObjectProvider, Object> attempt) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<Object>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            RedisSingleUseObjectProvider provider = newSession();
            Callable<Object> task = () -> {
                start.await(10, TimeUnit.SECONDS);
                return attempt.apply(provider);
            };
            futures.add(pool.submit(task));
        }
        List<Object> results = new ArrayList<>();
        for (Future<Object> future : futures) {
            results.add(future.get(30, TimeUnit.SECONDS));
        }
        return results;
    }
}
