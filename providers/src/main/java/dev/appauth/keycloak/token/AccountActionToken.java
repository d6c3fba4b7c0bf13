package dev.appauth.keycloak.token;

import java.util.Objects;

import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.models.UserModel;

/**
 * A Keycloak action token for one account action of the /auth API. Besides Keycloak's claims (user, type,
 * expiry, nonce, issuer) it names the address the link was mailed to ({@code eml}): the token only works while
 * the account still has that address, so a link sent to an old address dies when the address changes.
 */
public abstract class AccountActionToken extends DefaultActionToken {

    /** For JSON deserialisation. */
    protected AccountActionToken() {
    }

    protected AccountActionToken(String userId, String tokenType, int absoluteExpirationInSecs, String email, String clientId) {
        super(userId, tokenType, absoluteExpirationInSecs, null);
        setEmail(email);
        this.issuedFor = clientId;
    }

    /** Whether the account is still the one the token was issued for: enabled, same address (and subclass bindings). */
    public boolean isBoundTo(UserModel user) {
        return user != null && user.isEnabled() && user.getId().equals(getUserId()) && Objects.equals(getEmail(), user.getEmail());
    }
}
