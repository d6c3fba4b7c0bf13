package dev.appauth.keycloak.ratelimit;

import org.keycloak.provider.ProviderFactory;

public interface RateLimitProviderFactory extends ProviderFactory<RateLimitProvider> {
}
