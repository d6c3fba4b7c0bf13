package dev.appauth.keycloak.ratelimit;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * Rate limits and cooldowns for the /auth endpoints. Providers: {@code memory} (the default, one node only) and
 * {@code redis} (shared by all nodes), chosen with {@code --spi-app-auth-rate-limit--provider=redis}.
 */
public class RateLimitSpi implements Spi {

    public static final String NAME = "app-auth-rate-limit";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return RateLimitProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return RateLimitProviderFactory.class;
    }
}
