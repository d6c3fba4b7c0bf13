package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Change-password for a signed-in user: the current password must be right (a wrong one counts as a failed
 * login for Keycloak's brute-force detection), the new one must pass the realm's policy and history. Then every
 * other session of the user ends, the caller's stays, and the owner gets a notification mail.
 */
public final class PasswordChange {

    private final KeycloakSession session;

    public PasswordChange(KeycloakSession session) {
        this.session = session;
    }

    public void change(UserModel user, UserSessionModel callerSession, String clientId, String currentPassword, String newPassword) {
        EventBuilder event = Events.of(session, EventType.UPDATE_PASSWORD).user(user).session(callerSession).client(clientId)
                .detail(Details.USERNAME, user.getUsername())
                .detail(Details.CREDENTIAL_TYPE, PasswordCredentialModel.TYPE);
        if (!new Reauthentication(session).passwordMatches(user, currentPassword)) {
            event.error(Errors.INVALID_USER_CREDENTIALS);
            throw new AuthException(AuthError.INVALID_CREDENTIALS, "The current password is not correct");
        }
        AuthException weak = NewPasswords.check(session, user, newPassword, "new_password");
        if (weak != null) {
            event.error(Errors.PASSWORD_REJECTED);
            throw weak;
        }
        NewPasswords.set(user, newPassword);
        new UserSessions(session).endAllExcept(user, callerSession.getId());
        new AccountMails(session).passwordChanged(user, clientId);
        event.success();
    }
}
