package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import java.util.Set;

import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * Change-password for a signed-in user: the current password must be right (a wrong one counts as a failed
 * login for Keycloak's brute-force detection), the new one must pass the realm's policy and history. Then every
 * other session of the user ends, the caller's stays, and the owner gets a notification mail.
 */
public final class PasswordChange {

    private final KeycloakSession session;
    private final RealmModel realm;

    public PasswordChange(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public void change(UserModel user, UserSessionModel callerSession, String clientId, String currentPassword, String newPassword) {
        EventBuilder event = Events.of(session, EventType.UPDATE_PASSWORD).user(user).session(callerSession).client(clientId)
                .detail(Details.USERNAME, user.getUsername())
                .detail(Details.CREDENTIAL_TYPE, PasswordCredentialModel.TYPE);
        if (!currentPasswordMatches(user, currentPassword)) {
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
        new AccountMails(session).passwordChanged(user);
        event.success();
    }

    /** Refused while brute-force detection locks the account, as Keycloak's login refuses it. */
    private boolean currentPasswordMatches(UserModel user, String password) {
        BruteForceProtector protector = realm.isBruteForceProtected() ? session.getProvider(BruteForceProtector.class) : null;
        if (protector != null && (protector.isTemporarilyDisabled(session, realm, user)
                || protector.isPermanentlyLockedOut(session, realm, user))) {
            return false;
        }
        boolean valid = user.credentialManager().isValid(UserCredentialModel.password(password));
        if (protector != null) {
            Set<String> category = Set.of(PasswordCredentialModel.TYPE);
            if (valid) {
                protector.successfulLogin(realm, user, session.getContext().getConnection(), session.getContext().getUri(), category);
            } else {
                protector.failedLogin(realm, user, session.getContext().getConnection(), session.getContext().getUri(), category);
            }
        }
        return valid;
    }
}
