package dev.appauth.keycloak.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.appauth.keycloak.ratelimit.RedisRateLimitProvider;
import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisClients;
import dev.appauth.keycloak.redis.RedisConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;
import redis.embedded.RedisShardedCluster;
import redis.embedded.core.RedisSentinelBuilder;

/** The same store code against Sentinel and Redis Cluster, configured only through the options. */
class RedisTopologiesTest {

    @Test
    void sentinel() throws IOException {
        int masterPort = freePort();
        int sentinelPort = freePort();
        RedisServer master = RedisServer.newRedisServer().port(masterPort).bind("127.0.0.1").setting("save \"\"").build();
        RedisSentinel sentinel = RedisSentinel.newRedisSentinel().port(sentinelPort).bind("127.0.0.1")
                .masterPort(masterPort).masterName("kc-master").build();
        master.start();
        sentinel.start();
        try {
            RedisConfig config = RedisConfig.parse(option -> switch (option) {
                case RedisConfig.SENTINEL_MASTER -> "kc-master";
                case RedisConfig.SENTINELS -> "127.0.0.1:" + sentinelPort;
                case RedisConfig.DATABASE -> "2";
                default -> null;
            });
            exerciseStore(config);
        } finally {
            sentinel.stop();
            master.stop();
        }
    }

    @Test
    void sentinelWithCredentials() throws IOException {
        int masterPort = freePort();
        int sentinelPort = freePort();
        RedisServer master = RedisServer.newRedisServer().port(masterPort).bind("127.0.0.1").setting("save \"\"")
                .setting("requirepass master-secret").build();
        RedisSentinelBuilder sentinelBuilder = RedisSentinel.newRedisSentinel().port(sentinelPort).bind("127.0.0.1")
                .masterPort(masterPort).masterName("kc-master");
        sentinelBuilder.addDefaultReplicationGroup();
        // the Sentinel's own ACL user, and the master's password it needs to monitor it
        RedisSentinel sentinel = sentinelBuilder.setting("sentinel auth-pass kc-master master-secret")
                .setting("user default off")
                .setting("user watcher on >sentinel-secret allchannels +@all")
                .build();
        master.start();
        sentinel.start();
        try {
            Map<String, String> options = new HashMap<>(Map.of(RedisConfig.SENTINEL_MASTER, "kc-master",
                    RedisConfig.SENTINELS, "127.0.0.1:" + sentinelPort, RedisConfig.PASSWORD, "master-secret",
                    RedisConfig.CONNECT_TIMEOUT_MS, "1000"));
            assertThatThrownBy(() -> RedisClients.openVerified(RedisConfig.parse(options::get), "test", "--test--"))
                    .as("without the Sentinels' credentials").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sentinel-password").hasMessageNotContaining("master-secret");

            options.put(RedisConfig.SENTINEL_USERNAME, "watcher");
            options.put(RedisConfig.SENTINEL_PASSWORD, "sentinel-secret");
            exerciseStore(RedisConfig.parse(options::get));
        } finally {
            sentinel.stop();
            master.stop();
        }
    }

    @Test
    void cluster() throws IOException {
        // ports first: shards take their ports when added
        RedisShardedCluster cluster = RedisShardedCluster.newRedisCluster()
                .serverPorts(List.of(freeClusterPort(), freeClusterPort(), freeClusterPort()))
                .shard("a", 0).shard("b", 0).shard("c", 0)
                .initializationTimeout(Duration.ofSeconds(20))
                .build();
        cluster.start();
        try {
            awaitClusterStateOk(cluster);
            String nodes = cluster.serverPorts().stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
            RedisConfig config = RedisConfig.parse(option -> RedisConfig.CLUSTER_NODES.equals(option) ? nodes : null);
            exerciseStore(config);
        } finally {
            cluster.stop();
        }
    }

    private static void exerciseStore(RedisConfig config) {
        try (UnifiedJedis client = RedisClients.openVerified(config, "test", "--test--")) {
            RedisAvailability availability = new RedisAvailability("test", config.describeTarget());
            RedisSingleUseStore store = new RedisSingleUseStore(client, config.keyPrefix(), availability);
            InMemoryRevokedTokenDatabase database = new InMemoryRevokedTokenDatabase();
            RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, database);
            provider.transaction().begin();

            for (int i = 0; i < 20; i++) {
                provider.put("code-" + i, 60, Map.of("i", Integer.toString(i)));
            }
            provider.transaction().commit();
            for (int i = 0; i < 20; i++) {
                assertThat(provider.remove("code-" + i)).isEqualTo(Map.of("i", Integer.toString(i)));
                assertThat(provider.remove("code-" + i)).isNull();
            }
            assertThat(provider.putIfAbsent("lock", 60)).isTrue();
            assertThat(provider.putIfAbsent("lock", 60)).isFalse();
            assertThat(provider.putIfAbsent("jti.revoked", 60)).isTrue();
            assertThat(provider.contains("jti.revoked")).isTrue();
            assertThat(provider.contains("other.revoked")).isFalse();

            RedisRateLimitProvider limiter = new RedisRateLimitProvider(client, config.keyPrefix(), availability, false);
            assertThat(limiter.hit("b", 1, Duration.ofSeconds(10)).allowed()).isTrue();
            assertThat(limiter.hit("b", 1, Duration.ofSeconds(10)).allowed()).isFalse();
            assertThat(availability.failures()).isZero();
        }
    }

    /** The nodes agree on the slot map a moment after start; before that they answer CLUSTERDOWN. */
    private static void awaitClusterStateOk(RedisShardedCluster cluster) {
        long deadline = System.currentTimeMillis() + 20_000;
        for (int port : cluster.serverPorts()) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                while (!node.clusterInfo().contains("cluster_state:ok")) {
                    assertThat(System.currentTimeMillis()).as("cluster node %d ready", port).isLessThan(deadline);
                    sleep();
                }
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A free port whose cluster bus port (+10000) is free too. */
    private static int freeClusterPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port + 10_000 > 65_535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair for a cluster node");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
