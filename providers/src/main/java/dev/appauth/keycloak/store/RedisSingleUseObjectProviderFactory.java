package dev.appauth.keycloak.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.SingleUseObjectProviderFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import redis.clients.jedis.UnifiedJedis;

/**
 * Selected with {@code --spi-single-use-object--provider=redis} and configured with
 * {@code --spi-single-use-object--redis--<option>} (env {@code KC_SPI_SINGLE_USE_OBJECT__REDIS__<OPTION>}).
 * Owns the server's connection pool. It connects only when it is the selected provider, and then refuses to start
 * without a reachable Redis; present but unselected, it stays idle so that the jar can be deployed without Redis.
 */
public class RedisSingleUseObjectProviderFactory
        implements SingleUseObjectProviderFactory<RedisSingleUseObjectProvider>, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "redis";
    public static final String PERSIST_REVOKED_TOKENS = "persist-revoked-tokens";
    static final String OPTIONS = "--spi-single-use-object--redis--";

    private static final Logger LOG = Logger.getLogger(RedisSingleUseObjectProviderFactory.class);

    private RedisConfig config;
    private boolean persistRevokedTokens;
    private KeycloakRevokedTokenDatabase.Binding revokedTokenBinding;
    private RedisAvailability availability;
    private UnifiedJedis redis;
    private RedisSingleUseStore store;

    @Override
    public void init(Config.Scope scope) {
        config = RedisConfig.from(scope);
        persistRevokedTokens = scope.getBoolean(PERSIST_REVOKED_TOKENS, Boolean.TRUE);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (!PROVIDER_ID.equals(selectedProvider(factory))) {
            LOG.debugf("Redis single-use-object provider present but not selected; not connecting");
            return;
        }
        if (persistRevokedTokens) {
            revokedTokenBinding = KeycloakRevokedTokenDatabase.Binding.resolve(getClass().getClassLoader());
        }
        availability = new RedisAvailability("single-use-object store", config.describeTarget());
        redis = RedisClients.openVerified(config, "app-auth-single-use", OPTIONS);
        store = new RedisSingleUseStore(redis, config.keyPrefix(), availability);
        if (persistRevokedTokens) {
            // as Infinispan's store does after migration: revocations in the database are loaded into an empty Redis
            factory.register(event -> {
                if (event instanceof PostMigrationEvent migrated) {
                    try {
                        KeycloakModelUtils.runJobInTransaction(migrated.getFactory(),
                                session -> store.ensureRevokedLoaded(new KeycloakRevokedTokenDatabase(session, revokedTokenBinding)));
                    } catch (TokenStoreUnavailableException e) {
                        LOG.warnf("Revoked tokens not loaded into Redis at startup; they are loaded on first use");
                    }
                }
            });
        }
        LOG.infof("Single-use objects are stored in Redis at %s under key prefix '%s'", config.describeTarget(), config.keyPrefix());
    }

    private static String selectedProvider(KeycloakSessionFactory factory) {
        var selected = factory.getProviderFactory(SingleUseObjectProvider.class);
        return selected == null ? null : selected.getId();
    }

    @Override
    public RedisSingleUseObjectProvider create(KeycloakSession session) {
        if (store == null) {
            throw new IllegalStateException("The redis single-use-object store is not connected; select it with"
                    + " --spi-single-use-object--provider=redis");
        }
        RevokedTokenDatabase database = persistRevokedTokens ? new KeycloakRevokedTokenDatabase(session, revokedTokenBinding) : null;
        RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, database);
        session.getTransactionManager().enlistAfterCompletion(provider.transaction());
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
                .property().name(PERSIST_REVOKED_TOKENS).type(ProviderConfigProperty.BOOLEAN_TYPE)
                .helpText("Also keep revoked tokens and used action tokens in Keycloak's database (as Keycloak's"
                        + " Infinispan store does), so they stay revoked after Redis loses its data.")
                .defaultValue(Boolean.TRUE).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("target", config.describeTarget());
        info.put("keyPrefix", config.keyPrefix());
        info.put("persistRevokedTokens", Boolean.toString(persistRevokedTokens));
        if (availability != null) {
            availability.addOperationalInfo(info);
        } else {
            info.put("connected", "false");
        }
        return info;
    }
}
