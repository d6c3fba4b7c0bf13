package dev.appauth.keycloak.store;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.SingleUseObjectProviderFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisProviderFactory;
import dev.appauth.keycloak.redis.RedisUnavailableException;
import redis.clients.jedis.UnifiedJedis;

/**
 * Selected with {@code --spi-single-use-object--provider=redis} and configured with
 * {@code --spi-single-use-object--redis--<option>} (env {@code KC_SPI_SINGLE_USE_OBJECT__REDIS__<OPTION>}).
 * Owns the server's connection pool. It connects only when it is the selected provider, and then refuses to start
 * without a reachable Redis; present but unselected, it stays idle so that the jar can be deployed without Redis.
 */
public class RedisSingleUseObjectProviderFactory extends RedisProviderFactory<RedisSingleUseObjectProvider>
        implements SingleUseObjectProviderFactory<RedisSingleUseObjectProvider> {

    public static final String PERSIST_REVOKED_TOKENS = "persist-revoked-tokens";

    private static final Logger LOG = Logger.getLogger(RedisSingleUseObjectProviderFactory.class);

    private boolean persistRevokedTokens;
    private KeycloakRevokedTokenDatabase.Binding revokedTokenBinding;
    private RedisSingleUseStore store;

    public RedisSingleUseObjectProviderFactory() {
        super(SingleUseObjectProvider.class, "single-use-object", "single-use-object store", "app-auth-single-use",
                switchOption(PERSIST_REVOKED_TOKENS, true, "Also keep revoked tokens and used action tokens in Keycloak's"
                        + " database (as Keycloak's Infinispan store does), so they stay revoked after Redis loses its data."));
    }

    @Override
    protected void connected(KeycloakSessionFactory factory, UnifiedJedis client, RedisAvailability availability) {
        persistRevokedTokens = switchValue(PERSIST_REVOKED_TOKENS);
        store = new RedisSingleUseStore(client, config().keyPrefix(), availability, config().replicaAcks());
        if (persistRevokedTokens) {
            revokedTokenBinding = KeycloakRevokedTokenDatabase.Binding.resolve(getClass().getClassLoader());
            // as Infinispan's store does after migration: revocations in the database are loaded into an empty Redis
            factory.register(event -> {
                if (event instanceof PostMigrationEvent migrated) {
                    try {
                        KeycloakModelUtils.runJobInTransaction(migrated.getFactory(),
                                session -> store.ensureRevokedLoaded(new KeycloakRevokedTokenDatabase(session, revokedTokenBinding)));
                    } catch (RedisUnavailableException e) {
                        LOG.warnf("Revoked tokens not loaded into Redis at startup; they are loaded on first use");
                    }
                }
            });
        }
        LOG.infof("Single-use objects are stored in Redis at %s under key prefix '%s'", config().describeTarget(),
                config().keyPrefix());
    }

    @Override
    public RedisSingleUseObjectProvider create(KeycloakSession session) {
        requireConnected();
        RevokedTokenDatabase database = persistRevokedTokens ? new KeycloakRevokedTokenDatabase(session, revokedTokenBinding) : null;
        RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, database);
        session.getTransactionManager().enlistAfterCompletion(provider.transaction());
        return provider;
    }
}
