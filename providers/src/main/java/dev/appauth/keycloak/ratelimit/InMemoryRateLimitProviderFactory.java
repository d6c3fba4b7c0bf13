package dev.appauth.keycloak.ratelimit;

import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * The default rate-limit provider ({@code memory}): needs nothing, but counts per node. Clustered deployments select
 * {@code --spi-app-auth-rate-limit--provider=redis}.
 */
public class InMemoryRateLimitProviderFactory implements RateLimitProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "memory";
    public static final String MAX_ENTRIES = "max-entries";
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private InMemoryRateLimitProvider provider;

    @Override
    public RateLimitProvider create(KeycloakSession session) {
        return provider;
    }

    @Override
    public void init(Config.Scope scope) {
        int maxEntries = scope.getInt(MAX_ENTRIES, DEFAULT_MAX_ENTRIES);
        if (maxEntries < 1) {
            throw new IllegalArgumentException("Rate-limit option '" + MAX_ENTRIES + "' must be positive");
        }
        provider = new InMemoryRateLimitProvider(maxEntries);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.clear();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Above 0, so this is the default when no provider is selected. */
    @Override
    public int order() {
        return 1;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(MAX_ENTRIES).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Most buckets held in memory; when full, expired ones are swept and then a tenth dropped.")
                .defaultValue(DEFAULT_MAX_ENTRIES).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("buckets", Integer.toString(provider.size()), "droppedBuckets", Long.toString(provider.dropped()));
    }
}
