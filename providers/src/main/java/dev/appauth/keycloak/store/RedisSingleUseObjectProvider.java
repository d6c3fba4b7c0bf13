package dev.appauth.keycloak.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.ModelException;
import org.keycloak.models.SingleUseObjectProvider;

import dev.appauth.keycloak.redis.RedisUnavailableException;

/**
 * Keycloak's single-use-object store on Redis, with the semantics of Keycloak 26.7's Infinispan provider:
 * {@link #put} is transactional (written when the Keycloak transaction commits, after the database, and visible to
 * {@link #get} of the same session before that), every other operation acts on Redis at once. With revoked-token
 * persistence on (the default, as in Keycloak), {@code .revoked} keys are also written to Keycloak's database and
 * can only be put and checked; {@link #get}, {@link #remove} and {@link #replace} refuse them as Infinispan does.
 * <p>
 * If Redis does not answer, every operation throws {@link RedisUnavailableException}; nothing is ever
 * answered as "absent" without Redis having said so.
 */
public class RedisSingleUseObjectProvider implements SingleUseObjectProvider {

    private final RedisSingleUseStore store;
    private final RevokedTokenDatabase revokedTokens;
    private final Map<String, RedisSingleUseStore.Entry> pendingPuts = new LinkedHashMap<>();
    private final PendingPuts transaction = new PendingPuts();

    /**
     * @param revokedTokens the database behind revoked-token keys, or {@code null} to treat them like any key
     */
    public RedisSingleUseObjectProvider(RedisSingleUseStore store, RevokedTokenDatabase revokedTokens) {
        this.store = store;
        this.revokedTokens = revokedTokens;
    }

    /** The deferred puts; the factory enlists it as an after-completion transaction, as Infinispan's store is. */
    public KeycloakTransaction transaction() {
        return transaction;
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        Objects.requireNonNull(key, "key");
        positive(lifespanSeconds, "lifespanSeconds");
        Map<String, String> copy = RedisSingleUseStore.copyNotes(notes);
        if (persistsRevoked(key)) {
            if (!copy.isEmpty()) {
                throw new ModelException("Notes are not supported for revoked tokens");
            }
            revokedTokens.revoke(tokenId(key), lifespanSeconds);
        }
        pendingPuts.put(key, new RedisSingleUseStore.Entry(key, lifespanSeconds, copy));
    }

    @Override
    public Map<String, String> get(String key) {
        Objects.requireNonNull(key, "key");
        refuseRevoked(key, "retrieved");
        RedisSingleUseStore.Entry pending = pendingPuts.get(key);
        return pending != null ? pending.notes() : store.get(key);
    }

    @Override
    public Map<String, String> remove(String key) {
        Objects.requireNonNull(key, "key");
        refuseRevoked(key, "removed");
        return store.remove(key);
    }

    @Override
    public boolean replace(String key, Map<String, String> notes) {
        Objects.requireNonNull(key, "key");
        refuseRevoked(key, "replaced");
        return store.replace(key, notes);
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanInSeconds) {
        Objects.requireNonNull(key, "key");
        positive(lifespanInSeconds, "lifespanInSeconds");
        if (!persistsRevoked(key)) {
            return store.putIfAbsent(key, lifespanInSeconds);
        }
        boolean added = store.putIfAbsentRevoked(key, lifespanInSeconds, revokedTokens);
        // as Infinispan does: the database record is written (or its expiry extended) either way
        revokedTokens.revoke(tokenId(key), lifespanInSeconds);
        return added;
    }

    @Override
    public boolean contains(String key) {
        Objects.requireNonNull(key, "key");
        return persistsRevoked(key) ? store.containsRevoked(key, revokedTokens) : store.contains(key);
    }

    @Override
    public void close() {
    }

    private boolean persistsRevoked(String key) {
        return revokedTokens != null && key.endsWith(REVOKED_KEY);
    }

    private void refuseRevoked(String key, String operation) {
        if (persistsRevoked(key)) {
            throw new ModelException("Revoked tokens can't be " + operation);
        }
    }

    private static String tokenId(String key) {
        return key.substring(0, key.length() - REVOKED_KEY.length());
    }

    private static void positive(long lifespan, String name) {
        if (lifespan <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    private final class PendingPuts extends AbstractKeycloakTransaction {

        @Override
        protected void commitImpl() {
            if (!pendingPuts.isEmpty()) {
                ArrayList<RedisSingleUseStore.Entry> entries = new ArrayList<>(pendingPuts.values());
                pendingPuts.clear();
                store.putAll(entries);
            }
        }

        @Override
        protected void rollbackImpl() {
            pendingPuts.clear();
        }
    }
}
