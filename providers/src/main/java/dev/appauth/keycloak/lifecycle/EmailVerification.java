package dev.appauth.keycloak.lifecycle;

import java.time.Duration;
import java.util.Locale;

import dev.appauth.keycloak.ratelimit.RateLimitProvider;
import dev.appauth.keycloak.token.AccountActionToken;
import dev.appauth.keycloak.token.ActionTokenKind;
import dev.appauth.keycloak.token.ActionTokens;
import dev.appauth.keycloak.token.InvalidActionTokenException;
import dev.appauth.keycloak.token.Sha256;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Email verification: sending the link (after registration, on request) and completing it with the token,
 * from the REST endpoint or Keycloak's hosted page. A resend is limited to one per address and cooldown; within
 * it the caller gets the same answer but nothing is sent.
 */
public final class EmailVerification {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActionTokens tokens;

    public EmailVerification(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.tokens = new ActionTokens(session, realm);
    }

    /** Verifies the address the token was mailed to and spends the token. */
    public UserModel verify(String tokenString) throws InvalidActionTokenException {
        EventBuilder event = Events.of(session, EventType.VERIFY_EMAIL);
        try {
            AccountActionToken token = tokens.verify(ActionTokenKind.VERIFY_EMAIL, tokenString, session.getContext().getUri().getBaseUri());
            UserModel user = tokens.boundUser(token);
            event.user(user).client(token.getIssuedFor());
            complete(token, user, event);
            return user;
        } catch (InvalidActionTokenException e) {
            event.detail(Details.REASON, e.getMessage()).error(e.getEventError());
            throw e;
        }
    }

    /** Spends a checked token of this user and marks the address verified; the caller reports a spent token. */
    public void complete(AccountActionToken token, UserModel user, EventBuilder event) throws InvalidActionTokenException {
        tokens.spend(token);
        markVerified(user);
        event.detail(Details.EMAIL, user.getEmail()).detail(Details.TOKEN_ID, token.getId()).success();
    }

    /** A new link to this address, if an account has it, it is not verified, and the cooldown allows. */
    public void resend(String email, String clientId, Duration cooldown) {
        if (cooldownAllows(email, cooldown)) {
            new AccountMails(session).verificationTo(email, clientId);
        }
    }

    /** A new link to the signed-in user's address, under the same cooldown. */
    public void resend(UserModel user, String clientId, Duration cooldown) {
        if (user.getEmail() != null && cooldownAllows(user.getEmail(), cooldown) && !user.isEmailVerified()) {
            new AccountMails(session).verificationTo(user, clientId);
        }
    }

    static void markVerified(UserModel user) {
        user.setEmailVerified(true);
        user.removeRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
    }

    /** Keyed by a hash of the address, so the rate-limit store never holds addresses. */
    private boolean cooldownAllows(String email, Duration cooldown) {
        String key = "resend-verification:" + realm.getId() + ":" + Sha256.hex(email.trim().toLowerCase(Locale.ROOT));
        return session.getProvider(RateLimitProvider.class).cooldown(key, cooldown).allowed();
    }
}
