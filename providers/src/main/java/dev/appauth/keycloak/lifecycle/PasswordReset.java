package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.AuthException;
import java.net.URI;

import dev.appauth.keycloak.token.AccountActionToken;
import dev.appauth.keycloak.token.ActionTokenKind;
import dev.appauth.keycloak.token.ActionTokens;
import dev.appauth.keycloak.token.InvalidActionTokenException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Forgot-password and reset-password. The reset is shared by the REST endpoint and the Keycloak-hosted page: a
 * valid, unspent reset token bound to the account's current address and password, a new password the realm's
 * policy accepts; then the token is spent, the password set, the address marked verified (the mail reached
 * it), every session of the user ended and the owner notified.
 */
public final class PasswordReset {

    private final KeycloakSession session;
    private final ActionTokens tokens;

    public PasswordReset(KeycloakSession session) {
        this.session = session;
        this.tokens = new ActionTokens(session, session.getContext().getRealm());
    }

    /** Queues a reset link for the address; answers nothing about whether an account has it. */
    public void requestLink(String email, String clientId) {
        new AccountMails(session).passwordResetTo(email, clientId);
    }

    /** The account a presented token may reset, without spending the token (for showing the reset form). */
    public UserModel accountOf(String tokenString) throws InvalidActionTokenException {
        return tokens.boundUser(tokens.verify(ActionTokenKind.RESET_PASSWORD, tokenString, baseUri()));
    }

    /**
     * @param passwordField the request field holding the new password, for weak_password's field_errors
     * @throws AuthException weak_password; the token stays unspent so the user can try another password
     */
    public UserModel reset(String tokenString, String newPassword, String passwordField) throws InvalidActionTokenException {
        EventBuilder event = Events.of(session, EventType.RESET_PASSWORD);
        try {
            AccountActionToken token = tokens.verify(ActionTokenKind.RESET_PASSWORD, tokenString, baseUri());
            UserModel user = tokens.boundUser(token);
            event.user(user).client(token.getIssuedFor()).detail(Details.USERNAME, user.getUsername())
                    .detail(Details.EMAIL, user.getEmail()).detail(Details.TOKEN_ID, token.getId());
            AuthException weak = NewPasswords.check(session, user, newPassword, passwordField);
            if (weak != null) {
                event.error(Errors.PASSWORD_REJECTED);
                throw weak;
            }
            tokens.spend(token);
            NewPasswords.set(user, newPassword);
            EmailVerification.markVerified(user);
            new UserSessions(session).endAll(user);
            new AccountMails(session).passwordChanged(user, token.getIssuedFor());
            event.success();
            return user;
        } catch (InvalidActionTokenException e) {
            event.detail(Details.REASON, e.getMessage()).error(e.getEventError());
            throw e;
        }
    }

    private URI baseUri() {
        return session.getContext().getUri().getBaseUri();
    }
}
