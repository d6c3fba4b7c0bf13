package dev.appauth.keycloak.rest;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

/**
 * What a refused password grant means for the API: one answer for every credentials problem (unknown account,
 * wrong password, disabled, locked), and the two answers that are only given after a correct password.
 */
final class LoginOutcomes {

    /** Keycloak's password grant refuses users with pending required actions with this description. */
    private static final String ACCOUNT_NOT_SET_UP = "Account is not fully set up";

    private LoginOutcomes() {
    }

    static AuthException refusal(KeycloakSession session, TokenIssuer.GrantResult result, String login) {
        if ("unauthorized_client".equals(result.error())) {
            return new AuthException(AuthError.UNAUTHORIZED_CLIENT, "This client is not allowed to log users in with a password");
        }
        if (ACCOUNT_NOT_SET_UP.equals(result.errorDescription())) {
            // Keycloak only reports this after the password was verified
            RealmModel realm = session.getContext().getRealm();
            UserModel user = KeycloakModelUtils.findUserByNameOrEmail(session, realm, login);
            if (user != null && (!user.isEmailVerified() && realm.isVerifyEmail()
                    || user.getRequiredActionsStream().anyMatch(UserModel.RequiredAction.VERIFY_EMAIL.name()::equals))) {
                return new AuthException(AuthError.EMAIL_NOT_VERIFIED, "The email address of this account is not verified yet");
            }
            return new AuthException(AuthError.ACCOUNT_SETUP_REQUIRED,
                    "The account has pending actions; finish them in the account console");
        }
        return AuthException.invalidCredentials();
    }
}
