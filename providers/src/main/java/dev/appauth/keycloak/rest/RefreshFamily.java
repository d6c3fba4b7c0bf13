package dev.appauth.keycloak.rest;

import java.util.Set;
import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.representations.RefreshToken;

import dev.appauth.keycloak.AuthException;

/**
 * Refresh-token rotation with theft detection: a refresh token is good for one refresh. Each one is recorded
 * as spent, atomically in the single-use store, before Keycloak's refresh grant sees it, so of two racing
 * requests exactly one proceeds and a store outage stops the request before Keycloak changes the session.
 * A token that comes back means two parties hold the family: the whole session ends, whoever asks.
 */
final class RefreshFamily {

    private static final Logger LOG = Logger.getLogger(RefreshFamily.class);

    static final String SPENT_KEY_PREFIX = "app-auth.used-refresh-token.";

    /** Descriptions with which Keycloak's refresh grant refuses a token already used at its own token endpoint. */
    private static final Set<String> KEYCLOAK_REUSE = Set.of("Maximum allowed refresh token reuse exceeded", "Stale token");

    private final SingleUseObjectProvider store;
    private final Consumer<RefreshToken> endFamily;
    private final long lifespanWithoutExpiry;

    /**
     * @param store                 where spent tokens are recorded (Redis or Keycloak's clustered store)
     * @param endFamily             ends the token's user session, everywhere
     * @param lifespanWithoutExpiry seconds to remember a token that carries no expiry (offline tokens)
     */
    RefreshFamily(SingleUseObjectProvider store, Consumer<RefreshToken> endFamily, long lifespanWithoutExpiry) {
        this.store = store;
        this.endFamily = endFamily;
        this.lifespanWithoutExpiry = lifespanWithoutExpiry;
    }

    /**
     * Records a genuine (signature-checked) token as spent.
     *
     * @throws AuthException invalid_grant, after ending the family, when the token was spent before
     */
    void spend(RefreshToken token) {
        if (token.getId() != null && !store.putIfAbsent(spentKey(token), lifespan(token))) {
            endFamily.accept(token);
            throw AuthException.invalidGrant();
        }
    }

    /** Forgets the spending of a token for which nothing was issued (a dependency failed), so the client may retry. */
    void unspend(RefreshToken token) {
        if (token.getId() == null) {
            return;
        }
        try {
            store.remove(spentKey(token));
        } catch (RuntimeException e) {
            // the store itself is down: the mark expires with the token; the client logs in again
            LOG.debugf("Could not unmark refresh token: %s", e.getClass().getSimpleName());
        }
    }

    /**
     * Keycloak's refresh grant refused a token that was not spent here: if Keycloak saw it used before (at its own
     * token endpoint), that is the same theft and the family ends.
     *
     * @throws AuthException invalid_grant, always
     */
    void refusedByKeycloak(RefreshToken token, String errorDescription) {
        if (errorDescription != null && KEYCLOAK_REUSE.contains(errorDescription)) {
            endFamily.accept(token);
        }
        throw AuthException.invalidGrant();
    }

    static String spentKey(RefreshToken token) {
        return SPENT_KEY_PREFIX + token.getId();
    }

    /** As long as the token could be presented, and at least a second. */
    long lifespan(RefreshToken token) {
        long lifespan = token.getExp() == null ? lifespanWithoutExpiry : token.getExp() - Time.currentTime() + 1;
        return Math.max(lifespan, 1);
    }
}
