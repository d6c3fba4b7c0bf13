package dev.appauth.keycloak.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisClients;
import dev.appauth.keycloak.redis.RedisConfig;
import dev.appauth.keycloak.redis.RedisReplicaAcks;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.embedded.RedisServer;

/**
 * replica-acks: a spend or revocation returns once the replica holds it (Redis WAIT on the writing connection), and a
 * replica that does not answer delays a write by the timeout at most, without failing it.
 */
class RedisReplicaAcksTest {

    private static int masterPort;
    private static RedisServer master;
    private static RedisServer replica;
    private static Jedis replicaClient;

    @BeforeAll
    static void masterAndReplica() throws Exception {
        masterPort = freePort();
        int replicaPort = freePort();
        master = RedisServer.newRedisServer().port(masterPort).bind("127.0.0.1").setting("save \"\"").build();
        replica = RedisServer.newRedisServer().port(replicaPort).bind("127.0.0.1").setting("save \"\"")
                .slaveOf("127.0.0.1", masterPort).build();
        master.start();
        replica.start();
        replicaClient = new Jedis("127.0.0.1", replicaPort);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!replicaClient.info("replication").contains("master_link_status:up")) {
            assertThat(System.currentTimeMillis()).as("replica in sync").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        replicaClient.close();
        replica.stop();
        master.stop();
    }

    private static RedisConfig config(String replicas, String timeoutMs) {
        return RedisConfig.parse(option -> switch (option) {
            case RedisConfig.URL -> "redis://127.0.0.1:" + masterPort;
            case RedisConfig.KEY_PREFIX -> "acks:";
            case RedisReplicaAcks.REPLICA_ACKS -> replicas;
            case RedisReplicaAcks.REPLICA_ACK_TIMEOUT_MS -> timeoutMs;
            default -> null;
        });
    }

    @Test
    void everySpendOrRevocationIsOnTheReplicaWhenTheCallReturns() {
        RedisConfig config = config("1", "5000");
        try (UnifiedJedis client = RedisClients.openVerified(config, "test", "--test--")) {
            RedisSingleUseStore store = new RedisSingleUseStore(client, config.keyPrefix(),
                    new RedisAvailability("test", config.describeTarget()), config.replicaAcks());
            for (int i = 0; i < 50; i++) {
                assertThat(store.putIfAbsent("spent-" + i, 60)).isTrue();
                assertThat(replicaClient.exists(store.redisKey("spent-" + i))).as("spend %d on the replica", i).isTrue();
                store.put("code-" + i, 60, Map.of("n", "v"));
                assertThat(replicaClient.exists(store.redisKey("code-" + i))).isTrue();
                assertThat(store.remove("code-" + i)).isEqualTo(Map.of("n", "v"));
                assertThat(replicaClient.exists(store.redisKey("code-" + i))).as("removal %d on the replica", i).isFalse();
            }
            store.putAll(List.of(new RedisSingleUseStore.Entry("a.revoked", 60, Map.of()),
                    new RedisSingleUseStore.Entry("b.revoked", 60, Map.of())));
            assertThat(replicaClient.exists(store.redisKey("a.revoked"))).isTrue();
            assertThat(replicaClient.exists(store.redisKey("b.revoked"))).isTrue();
            assertThat(config.replicaAcks().counters().unacknowledged()).isZero();
        }
    }

    @Test
    void aReplicaThatDoesNotAnswerCostsTheTimeoutAndTheWriteStands() throws Exception {
        RedisConfig config = config("1", "100");
        long replicaPid = Long.parseLong(replicaClient.info("server").lines().filter(l -> l.startsWith("process_id:"))
                .findFirst().orElseThrow().substring("process_id:".length()).trim());
        try (UnifiedJedis client = RedisClients.openVerified(config, "test", "--test--")) {
            RedisSingleUseStore store = new RedisSingleUseStore(client, config.keyPrefix(),
                    new RedisAvailability("test", config.describeTarget()), config.replicaAcks());
            // frozen, not gone: the master still counts it as connected, but no acknowledgement comes. WAIT sent on
            // another connection than the write would return at once with 1 and hide this
            signal("STOP", replicaPid);
            try {
                assertThat(store.putIfAbsent("frozen", 60)).isTrue();
                assertThat(store.putIfAbsent("frozen", 60)).as("still single use").isFalse();
                assertThat(config.replicaAcks().counters().unacknowledged()).isEqualTo(2);
            } finally {
                signal("CONT", replicaPid);
            }
            try (Jedis direct = new Jedis("127.0.0.1", masterPort)) {
                assertThat(direct.exists(store.redisKey("frozen"))).isTrue();
            }
        }
    }

    @Test
    void optionsAreCheckedAndOffByDefault() {
        assertThat(config(null, null).replicaAcks().enabled()).isFalse();
        assertThat(config("2", null).replicaAcks()).extracting(RedisReplicaAcks::replicas, RedisReplicaAcks::timeoutMs)
                .containsExactly(2, RedisReplicaAcks.DEFAULT_TIMEOUT_MS);
        assertThatThrownBy(() -> config("-1", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replica-acks");
        assertThatThrownBy(() -> config("1", "0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replica-ack-timeout-ms");
        assertThatThrownBy(() -> config("x", null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
