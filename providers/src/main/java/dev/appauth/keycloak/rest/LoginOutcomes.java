package dev.appauth.keycloak.rest;

import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.authenticator.DirectGrantVerifiedEmail;
import dev.appauth.keycloak.authenticator.FlowRateLimit;

/**
 * What a refused password grant means for the API, decided on the error code Keycloak recorded in the grant's
 * event (never on its English texts): one answer for every credentials problem (unknown account, wrong password,
 * disabled, locked), and the answers that Keycloak only reaches after a correct password.
 */
final class LoginOutcomes {

    private LoginOutcomes() {
    }

    static AuthException refusal(KeycloakSession session, EventBuilder event, String login) {
        String error = event.getEvent().getError();
        if (Errors.NOT_ALLOWED.equals(error)) {
            return new AuthException(AuthError.UNAUTHORIZED_CLIENT, "This client is not allowed to log users in with a password");
        }
        if (Details.CLIENT_POLICY_ERROR.equals(event.getEvent().getDetails() == null ? null
                : event.getEvent().getDetails().get(Details.REASON))) {
            return new AuthException(AuthError.CLIENT_POLICY_REFUSED, "A client policy of the realm refused the request");
        }
        if (FlowRateLimit.EVENT_ERROR.equals(error)) {
            return AuthException.rateLimited(retryAfter(event));
        }
        if (DirectGrantVerifiedEmail.EVENT_ERROR.equals(error)) {
            return new AuthException(AuthError.EMAIL_NOT_VERIFIED, "The email address of this account is not verified yet");
        }
        if (Errors.RESOLVE_REQUIRED_ACTIONS.equals(error)) {
            // a realm whose direct-grant flow lacks the verified-email step: Keycloak's own Verify email action
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

    private static long retryAfter(EventBuilder event) {
        String seconds = event.getEvent().getDetails() == null ? null : event.getEvent().getDetails().get(FlowRateLimit.RETRY_AFTER);
        try {
            return seconds == null ? 1 : Math.max(1, Long.parseLong(seconds));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
