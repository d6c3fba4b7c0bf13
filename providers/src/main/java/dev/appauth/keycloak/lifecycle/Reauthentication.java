package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.RealmDurations;
import java.util.Set;

import org.keycloak.common.util.Time;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.services.managers.BruteForceProtector;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

/**
 * Proof, for a change to the account's sign-in, that the caller is its owner and not someone holding a stolen access
 * token: the current password, or a login (the session's auth time) less than {@value #DEFAULT_RECENT_SECONDS}
 * seconds ago (a realm sets its own window in {@link RealmDurations#REAUTHENTICATION}). A wrong password counts as a failed login for Keycloak's brute-force detection.
 */
public final class Reauthentication {

    public static final int DEFAULT_RECENT_SECONDS = 300;

    private final KeycloakSession session;
    private final RealmModel realm;

    public Reauthentication(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** The password when given (wrong: 401 invalid_credentials), else a recent login (else 403 reauthentication_required). */
    public void require(UserModel user, UserSessionModel userSession, String password) {
        if (password != null) {
            if (!passwordMatches(user, password)) {
                throw new AuthException(AuthError.INVALID_CREDENTIALS, "The current password is not correct");
            }
            return;
        }
        int window = RealmDurations.seconds(realm, RealmDurations.REAUTHENTICATION, DEFAULT_RECENT_SECONDS);
        if (!isRecent(authTime(userSession), Time.currentTime(), window)) {
            throw new AuthException(AuthError.REAUTHENTICATION_REQUIRED,
                    "Send the current password, or log in again: this change needs a login from the last " + window + " seconds");
        }
    }

    /**
     * When the user last showed credentials in this session: Keycloak's AUTH_TIME note (a refresh keeps it, a new
     * login on the login page renews it), which is what the tokens' auth_time claim is made of.
     */
    private static Long authTime(UserSessionModel userSession) {
        String note = userSession == null ? null : userSession.getNote(AuthenticationManager.AUTH_TIME);
        try {
            return note != null ? Long.valueOf(note) : userSession == null ? null : (long) userSession.getStarted();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether a login at {@code authTime} (the token's auth_time, epoch seconds) lies within the window. */
    static boolean isRecent(Long authTime, long now, int windowSeconds) {
        return authTime != null && now - authTime <= windowSeconds && authTime <= now + 5;
    }

    /** Refused while brute-force detection locks the account, as Keycloak's login refuses it. */
    public boolean passwordMatches(UserModel user, String password) {
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
