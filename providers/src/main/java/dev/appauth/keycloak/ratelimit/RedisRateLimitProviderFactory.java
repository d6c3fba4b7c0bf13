package dev.appauth.keycloak.ratelimit;

import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisProviderFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Selected with {@code --spi-app-auth-rate-limit--provider=redis}; configured with
 * {@code --spi-app-auth-rate-limit--redis--<option>} (env {@code KC_SPI_APP_AUTH_RATE_LIMIT__REDIS__<OPTION>}), the
 * same connection options as the single-use-object store plus {@code fail-open}. Connects only when selected, and
 * then refuses to start without a reachable Redis.
 */
public class RedisRateLimitProviderFactory extends RedisProviderFactory<RateLimitProvider> implements RateLimitProviderFactory {

    public static final String FAIL_OPEN = "fail-open";

    private static final Logger LOG = Logger.getLogger(RedisRateLimitProviderFactory.class);

    private RedisRateLimitProvider provider;

    public RedisRateLimitProviderFactory() {
        super(RateLimitProvider.class, RateLimitSpi.NAME, "rate limiter", "app-auth-rate-limit", switchOption(FAIL_OPEN, true,
                "When Redis is down: true lets attempts through (logged and counted), false refuses them with 503."));
    }

    @Override
    protected void connected(KeycloakSessionFactory factory, UnifiedJedis client, RedisAvailability availability) {
        boolean failOpen = switchValue(FAIL_OPEN);
        provider = new RedisRateLimitProvider(client, config().keyPrefix(), availability, failOpen);
        LOG.infof("Rate limits are counted in Redis at %s under key prefix '%s' (%s when Redis is down)",
                config().describeTarget(), config().keyPrefix(), failOpen ? "allow" : "refuse");
    }

    @Override
    public RateLimitProvider create(KeycloakSession session) {
        requireConnected();
        return provider;
    }

    @Override
    protected void addOperationalInfo(Map<String, String> info) {
        if (provider != null) {
            info.put("allowedWhileDown", Long.toString(provider.failOpenAllowed()));
        }
    }
}
