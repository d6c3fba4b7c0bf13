package dev.appauth.keycloak.rest;

import java.util.function.Consumer;
import java.util.function.Predicate;

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

    private final SingleUseObjectProvider store;
    private final Predicate<RefreshToken> rotatedAwayAtKeycloak;
    private final Consumer<RefreshToken> endFamily;
    private final long lifespanWithoutExpiry;

    /**
     * @param store                 where spent tokens are recorded (Redis or Keycloak's clustered store)
     * @param rotatedAwayAtKeycloak Keycloak's own verdict (its refresh-token reuse rule) on a token that may have been
     *                              used at its token endpoint rather than here
     * @param endFamily             ends the token's user session, everywhere
     * @param lifespanWithoutExpiry seconds to remember a token that carries no expiry (offline tokens)
     */
    RefreshFamily(SingleUseObjectProvider store, Predicate<RefreshToken> rotatedAwayAtKeycloak, Consumer<RefreshToken> endFamily,
                  long lifespanWithoutExpiry) {
        this.store = store;
        this.rotatedAwayAtKeycloak = rotatedAwayAtKeycloak;
        this.endFamily = endFamily;
        this.lifespanWithoutExpiry = lifespanWithoutExpiry;
    }

    /**
     * Records a genuine (signature-checked) token as spent.
     *
     * @throws AuthException invalid_grant, after ending the family, when the token was spent before, here or at
     *                       Keycloak's own token endpoint
     */
    void spend(RefreshToken token) {
        if (token.getId() == null) {
            return; // Keycloak gives every refresh token an id; one without cannot be tracked
        }
        if (!store.putIfAbsent(spentKey(token), lifespan(token)) || rotatedAwayAtKeycloak.test(token)) {
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

    static String spentKey(RefreshToken token) {
        return SPENT_KEY_PREFIX + token.getId();
    }

    /** As long as the token could be presented, and at least a second. */
    long lifespan(RefreshToken token) {
        long lifespan = token.getExp() == null ? lifespanWithoutExpiry : token.getExp() - Time.currentTime() + 1;
        return Math.max(lifespan, 1);
    }
}
