package dev.appauth.keycloak.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.appauth.keycloak.redis.RedisConfig.Topology;
import redis.clients.jedis.HostAndPort;

class RedisConfigTest {

    private static RedisConfig config(Map<String, String> options) {
        return RedisConfig.from(new MapScope(options));
    }

    @Test
    void defaultsToALocalServer() {
        RedisConfig config = config(Map.of());

        assertThat(config.topology()).isEqualTo(Topology.STANDALONE);
        assertThat(config.endpoint()).isEqualTo(new HostAndPort("localhost", 6379));
        assertThat(config.tls()).isFalse();
        assertThat(config.username()).isNull();
        assertThat(config.password()).isNull();
        assertThat(config.database()).isZero();
        assertThat(config.keyPrefix()).isEqualTo("app-auth:");
        assertThat(config.connectTimeoutMs()).isEqualTo(2000);
        assertThat(config.socketTimeoutMs()).isEqualTo(2000);
        assertThat(config.poolMaxTotal()).isEqualTo(32);
    }

    @Test
    void readsCredentialsDatabaseAndTlsFromTheUrl() {
        RedisConfig config = config(Map.of("url", "rediss://keycloak:s%40cret@redis.internal:6380/3"));

        assertThat(config.tls()).isTrue();
        assertThat(config.endpoint()).isEqualTo(new HostAndPort("redis.internal", 6380));
        assertThat(config.username()).isEqualTo("keycloak");
        assertThat(config.password()).isEqualTo("s@cret");
        assertThat(config.database()).isEqualTo(3);
    }

    @Test
    void aPasswordAloneInTheUrlIsThePassword() {
        RedisConfig config = config(Map.of("url", "redis://:only-password@h:1"));
        assertThat(config.username()).isNull();
        assertThat(config.password()).isEqualTo("only-password");
    }

    @Test
    void explicitOptionsOverrideTheUrl() {
        RedisConfig config = config(Map.of(
                "url", "redis://u:p@h:1/2",
                "username", "acl-user", "password", "acl-pass", "database", "5",
                "key-prefix", "tenant-b:", "connect-timeout-ms", "150", "socket-timeout-ms", "250", "pool-max-total", "64"));

        assertThat(config.username()).isEqualTo("acl-user");
        assertThat(config.password()).isEqualTo("acl-pass");
        assertThat(config.database()).isEqualTo(5);
        assertThat(config.keyPrefix()).isEqualTo("tenant-b:");
        assertThat(config.connectTimeoutMs()).isEqualTo(150);
        assertThat(config.socketTimeoutMs()).isEqualTo(250);
        assertThat(config.poolMaxTotal()).isEqualTo(64);
    }

    @Test
    void sentinelMasterAndSentinelsSelectSentinel() {
        RedisConfig config = config(Map.of("sentinel-master", "mymaster",
                "sentinels", "s1:26379, s2:26380,[::1]:26381", "password", "pw"));

        assertThat(config.topology()).isEqualTo(Topology.SENTINEL);
        assertThat(config.sentinels()).containsExactly(new HostAndPort("s1", 26379), new HostAndPort("s2", 26380),
                new HostAndPort("::1", 26381));
        assertThat(config.describeTarget()).isEqualTo("redis master 'mymaster' via sentinels s1:26379,s2:26380,[::1]:26381, database 0");
    }

    @Test
    void clusterNodesSelectCluster() {
        RedisConfig config = config(Map.of("cluster-nodes", "n1:7000,n2:7001", "url", "rediss://n1:7000"));

        assertThat(config.topology()).isEqualTo(Topology.CLUSTER);
        assertThat(config.clusterNodes()).isEqualTo(List.of(new HostAndPort("n1", 7000), new HostAndPort("n2", 7001)));
        assertThat(config.tls()).isTrue();
    }

    @Test
    void rejectsInconsistentOrMalformedOptions() {
        assertThatThrownBy(() -> config(Map.of("url", "http://h:1"))).hasMessageContaining("'url'");
        assertThatThrownBy(() -> config(Map.of("url", "redis://"))).hasMessageContaining("'url'");
        assertThatThrownBy(() -> config(Map.of("database", "x"))).hasMessageContaining("'database'");
        assertThatThrownBy(() -> config(Map.of("socket-timeout-ms", "0"))).hasMessageContaining("'socket-timeout-ms'");
        assertThatThrownBy(() -> config(Map.of("sentinels", "s1:1"))).hasMessageContaining("sentinel-master");
        assertThatThrownBy(() -> config(Map.of("sentinel-master", "m"))).hasMessageContaining("sentinel-master");
        assertThatThrownBy(() -> config(Map.of("sentinels", "no-port", "sentinel-master", "m"))).hasMessageContaining("'sentinels'");
        assertThatThrownBy(() -> config(Map.of("cluster-nodes", "n:1", "database", "2"))).hasMessageContaining("'database'");
        assertThatThrownBy(() -> config(Map.of("cluster-nodes", "n:1", "sentinel-master", "m", "sentinels", "s:1")))
                .hasMessageContaining("'cluster-nodes'");
    }

    @Test
    void neverPrintsThePassword() {
        RedisConfig config = config(Map.of("url", "redis://u:topsecret@h:1/0"));
        assertThat(config.toString()).doesNotContain("topsecret").contains("***");
        assertThat(config.describeTarget()).doesNotContain("topsecret").isEqualTo("redis://h:1/0");

        RedisConfig sentinel = config(Map.of("sentinel-master", "m", "sentinels", "s:1", "password", "master-secret",
                "sentinel-username", "watcher", "sentinel-password", "sentinel-secret"));
        assertThat(sentinel.toString()).doesNotContain("master-secret").doesNotContain("sentinel-secret")
                .contains("sentinelUser=watcher");
    }

    @Test
    void tlsVerifiesTheHostNameUnlessTurnedOff() {
        RedisConfig config = config(Map.of("url", "rediss://h:1"));
        assertThat(config.tlsOptions().verifyHostname()).isTrue();
        assertThat(config.tlsOptions().truststore()).isNull();
        assertThat(config.tlsOptions().parameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");

        RedisConfig insecure = config(Map.of("url", "rediss://h:1", "tls-verify-hostname", "false",
                "tls-truststore", "/etc/redis/ca.pem", "tls-truststore-password", "store-secret"));
        assertThat(insecure.tlsOptions().verifyHostname()).isFalse();
        assertThat(insecure.tlsOptions().truststore()).isEqualTo("/etc/redis/ca.pem");
        assertThat(insecure.tlsOptions().parameters().getEndpointIdentificationAlgorithm()).isNull();
        assertThat(insecure.toString()).doesNotContain("store-secret").contains("verifyHostname=false");
    }

    @Test
    void sentinelCredentialsAreReadForSentinelOnly() {
        RedisConfig config = config(Map.of("sentinel-master", "m", "sentinels", "s:1",
                "sentinel-username", "watcher", "sentinel-password", "sentinel-secret"));
        assertThat(config.sentinelUsername()).isEqualTo("watcher");
        assertThat(config.sentinelPassword()).isEqualTo("sentinel-secret");
        assertThat(config.password()).isNull();
    }

    @Test
    void rejectsTlsAndSentinelOptionsThatWouldBeIgnored() {
        assertThatThrownBy(() -> config(Map.of("tls-truststore", "/etc/ca.pem"))).hasMessageContaining("'tls-truststore'")
                .hasMessageContaining("rediss://");
        assertThatThrownBy(() -> config(Map.of("url", "rediss://h:1", "tls-verify-hostname", "no")))
                .hasMessageContaining("'tls-verify-hostname'");
        assertThatThrownBy(() -> config(Map.of("sentinel-password", "x"))).hasMessageContaining("'sentinel-password'");
        assertThatThrownBy(() -> config(Map.of("cluster-nodes", "n:1", "sentinel-username", "u")))
                .hasMessageContaining("'sentinel-password'");
    }
}
