package dev.appauth.keycloak.ratelimit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import dev.appauth.keycloak.store.RedisAvailability;
import dev.appauth.keycloak.store.RedisClients;
import dev.appauth.keycloak.store.RedisConfig;
import redis.clients.jedis.UnifiedJedis;

/**
 * Selected with {@code --spi-app-auth-rate-limit--provider=redis}; configured with
 * {@code --spi-app-auth-rate-limit--redis--<option>} (env {@code KC_SPI_APP_AUTH_RATE_LIMIT__REDIS__<OPTION>}), the
 * same connection options as the single-use-object store plus {@code fail-open}. Connects only when selected, and
 * then refuses to start without a reachable Redis.
 */
public class RedisRateLimitProviderFactory implements RateLimitProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "redis";
    public static final String FAIL_OPEN = "fail-open";
    static final String OPTIONS = "--spi-app-auth-rate-limit--redis--";

    private static final Logger LOG = Logger.getLogger(RedisRateLimitProviderFactory.class);

    private RedisConfig config;
    private boolean failOpen;
    private RedisAvailability availability;
    private UnifiedJedis redis;
    private RedisRateLimitProvider provider;

    @Override
    public void init(Config.Scope scope) {
        config = RedisConfig.from(scope);
        failOpen = scope.getBoolean(FAIL_OPEN, Boolean.TRUE);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        var selected = factory.getProviderFactory(RateLimitProvider.class);
        if (selected == null || !PROVIDER_ID.equals(selected.getId())) {
            return;
        }
        availability = new RedisAvailability("rate limiter", config.describeTarget());
        redis = RedisClients.openVerified(config, "app-auth-rate-limit", OPTIONS);
        provider = new RedisRateLimitProvider(redis, config.keyPrefix(), availability, failOpen);
        LOG.infof("Rate limits are counted in Redis at %s under key prefix '%s' (%s when Redis is down)",
                config.describeTarget(), config.keyPrefix(), failOpen ? "allow" : "refuse");
    }

    @Override
    public RateLimitProvider create(KeycloakSession session) {
        if (provider == null) {
            throw new IllegalStateException("The redis rate limiter is not connected; select it with"
                    + " --spi-app-auth-rate-limit--provider=redis");
        }
        return provider;
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return RedisConfig.addConfigMetadata(ProviderConfigurationBuilder.create())
                .property().name(FAIL_OPEN).type(ProviderConfigProperty.BOOLEAN_TYPE)
                .helpText("When Redis is down: true lets attempts through (logged and counted), false refuses them"
                        + " with 503.")
                .defaultValue(Boolean.TRUE).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("target", config.describeTarget());
        info.put("keyPrefix", config.keyPrefix());
        info.put("failOpen", Boolean.toString(failOpen));
        if (provider != null) {
            availability.addOperationalInfo(info);
            info.put("allowedWhileDown", Long.toString(provider.failOpenAllowed()));
        } else {
            info.put("connected", "false");
        }
        return info;
    }
}
