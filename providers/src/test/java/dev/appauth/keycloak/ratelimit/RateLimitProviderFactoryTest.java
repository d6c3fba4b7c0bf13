package dev.appauth.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderConfigProperty;

import dev.appauth.keycloak.KeycloakStandIns;
import dev.appauth.keycloak.redis.EmbeddedRedis;
import dev.appauth.keycloak.redis.MapScope;

class RateLimitProviderFactoryTest {

    @Test
    void theRateLimitFactoryConnectsOnlyWhenSelected() {
        try (EmbeddedRedis redis = EmbeddedRedis.start()) {
            RedisRateLimitProviderFactory idle = new RedisRateLimitProviderFactory();
            idle.init(new MapScope(Map.of("url", redis.url())));
            idle.postInit(KeycloakStandIns.sessionFactory(RateLimitProvider.class, null, new ArrayList<>()));
            assertThatThrownBy(() -> idle.create(null)).isInstanceOf(IllegalStateException.class);

            RedisRateLimitProviderFactory selected = new RedisRateLimitProviderFactory();
            selected.init(new MapScope(Map.of("url", redis.url(), "fail-open", "false")));
            selected.postInit(KeycloakStandIns.sessionFactory(RateLimitProvider.class, selected, new ArrayList<>()));
            assertThat(selected.create(null).hit("k", 1, Duration.ofSeconds(5)).allowed()).isTrue();
            assertThat(selected.getOperationalInfo()).containsEntry("failOpen", "false");
            selected.close();
        }
    }

    @Test
    void describesTheirOptions() {
        List<String> redis = new RedisRateLimitProviderFactory().getConfigMetadata().stream().map(ProviderConfigProperty::getName).toList();
        assertThat(redis).contains("url", "key-prefix", "sentinel-master", "cluster-nodes").endsWith("fail-open");
        List<String> memory = new InMemoryRateLimitProviderFactory().getConfigMetadata().stream().map(ProviderConfigProperty::getName).toList();
        assertThat(memory).containsExactly("max-entries");
    }

    @Test
    void memoryIsTheDefaultProviderAndServesEverySessionFromOneInstance() {
        InMemoryRateLimitProviderFactory factory = new InMemoryRateLimitProviderFactory();
        factory.init(new MapScope(Map.of("max-entries", "10")));

        assertThat(factory.order()).isPositive();
        assertThat(new RedisRateLimitProviderFactory().order()).isZero();
        assertThat(factory.create(null)).isSameAs(factory.create(null));
        assertThat(new RateLimitSpi().getName()).isEqualTo("app-auth-rate-limit");
        assertThat(new RateLimitSpi().isInternal()).isFalse();
    }
}
