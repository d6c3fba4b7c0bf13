package dev.appauth.keycloak.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.provider.ProviderConfigProperty;

import dev.appauth.keycloak.KeycloakStandIns;
import dev.appauth.keycloak.redis.EmbeddedRedis;
import dev.appauth.keycloak.redis.MapScope;

/** Configuration, startup checks and wiring of the factories, with stand-ins for Keycloak's session factory. */
class RedisSingleUseObjectProviderFactoryTest {

    @Test
    void describesEveryOption() {
        List<String> names = new RedisSingleUseObjectProviderFactory().getConfigMetadata().stream()
                .map(ProviderConfigProperty::getName).toList();
        assertThat(names).containsExactly("url", "username", "password", "database", "tls-truststore",
                "tls-truststore-password", "tls-verify-hostname", "replica-acks", "replica-ack-timeout-ms", "key-prefix", "connect-timeout-ms", "socket-timeout-ms",
                "pool-max-total", "sentinel-master", "sentinels", "sentinel-username", "sentinel-password", "cluster-nodes",
                "persist-revoked-tokens");
        List<String> secrets = new RedisSingleUseObjectProviderFactory().getConfigMetadata().stream()
                .filter(ProviderConfigProperty::isSecret).map(ProviderConfigProperty::getName).toList();
        assertThat(secrets).containsExactly("password", "tls-truststore-password", "sentinel-password");
    }

    @Test
    void staysIdleWhenNotSelected() {
        RedisSingleUseObjectProviderFactory factory = new RedisSingleUseObjectProviderFactory();
        factory.init(new MapScope(Map.of("url", "redis://127.0.0.1:1")));

        factory.postInit(KeycloakStandIns.sessionFactory(SingleUseObjectProvider.class, null, new ArrayList<>()));

        assertThatThrownBy(() -> factory.create(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--spi-single-use-object--provider=redis");
        assertThat(factory.getOperationalInfo()).containsEntry("connected", "false");
        factory.close();
    }

    @Test
    void refusesToStartWhenSelectedAndRedisIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RedisSingleUseObjectProviderFactory factory = new RedisSingleUseObjectProviderFactory();
        factory.init(new MapScope(Map.of("url", "redis://app:hunter2@127.0.0.1:" + closedPort, "connect-timeout-ms", "300",
                "persist-revoked-tokens", "false")));

        assertThatThrownBy(() -> factory.postInit(KeycloakStandIns.sessionFactory(SingleUseObjectProvider.class, factory, new ArrayList<>())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Redis is not reachable at redis://127.0.0.1:" + closedPort)
                .hasMessageContaining("--spi-single-use-object--redis--")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void connectsWhenSelectedAndEnlistsItsPutsAfterCompletion() {
        try (EmbeddedRedis redis = EmbeddedRedis.start()) {
            RedisSingleUseObjectProviderFactory factory = new RedisSingleUseObjectProviderFactory();
            factory.init(new MapScope(Map.of("url", redis.url(), "key-prefix", "wired:", "persist-revoked-tokens", "false")));
            List<Object> registered = new ArrayList<>();
            factory.postInit(KeycloakStandIns.sessionFactory(SingleUseObjectProvider.class, factory, registered));
            List<KeycloakTransaction> enlisted = new ArrayList<>();

            RedisSingleUseObjectProvider provider = factory.create(KeycloakStandIns.session(enlisted));
            provider.put("code", 60, Map.of("k", "v"));
            assertThat(enlisted).hasSize(1);
            enlisted.get(0).begin();
            enlisted.get(0).commit();

            try (var raw = redis.rawClient()) {
                assertThat(raw.get("wired:suo:code")).isEqualTo("{\"k\":\"v\"}");
            }
            assertThat(registered).as("no preload listener without persistence").isEmpty();
            assertThat(factory.getOperationalInfo()).containsEntry("available", "true").containsEntry("keyPrefix", "wired:");
            factory.close();
        }
    }

}
