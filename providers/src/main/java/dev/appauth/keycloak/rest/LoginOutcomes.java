package dev.appauth.keycloak.rest;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.authenticator.DirectGrantLoginChallenge;
import dev.appauth.keycloak.authenticator.DirectGrantSecondFactor;
import dev.appauth.keycloak.authenticator.DirectGrantVerifiedEmail;
import dev.appauth.keycloak.authenticator.FlowRateLimit;
import dev.appauth.keycloak.authenticator.LoginChallenges;
import dev.appauth.keycloak.lifecycle.SecondFactors;

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
        if (DirectGrantSecondFactor.EVENT_ERROR.equals(error)) {
            LoginChallenges.Minted challenge = session.getAttribute(LoginChallenges.MINTED, LoginChallenges.Minted.class);
            if (challenge != null) {
                return mfaRequired(session, event, challenge);
            }
        }
        if (DirectGrantLoginChallenge.EVENT_ERROR.equals(error)) {
            return invalidMfaToken();
        }
        Integer attemptsLeft = session.getAttribute(LoginChallenges.ATTEMPTS_LEFT, Integer.class);
        if (attemptsLeft != null) {
            return new AuthException(AuthError.INVALID_MFA_CODE, attemptsLeft > 0 ? "The code is not correct"
                    : "The code is not correct, and the mfa_token is used up: log in again")
                    .withDetail("attempts_remaining", attemptsLeft);
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

    static AuthException invalidMfaToken() {
        return new AuthException(AuthError.INVALID_GRANT, "The mfa_token is invalid, expired or used up: log in again");
    }

    /**
     * The first step of a login with a second factor: the challenge, and what may answer it. Keycloak's recovery codes
     * are used in order, so the answer names the number of the one it will accept, as Keycloak's login page does.
     */
    private static AuthException mfaRequired(KeycloakSession session, EventBuilder event, LoginChallenges.Minted challenge) {
        // the realm's OTP policy decides the kind of code: "totp" (the default) or "hotp"
        List<String> factors = new ArrayList<>(List.of(session.getContext().getRealm().getOTPPolicy().getType()));
        Integer nextRecoveryCode = null;
        UserModel user = event.getEvent().getUserId() == null ? null
                : session.users().getUserById(session.getContext().getRealm(), event.getEvent().getUserId());
        SecondFactors.RecoveryCodes codes = user == null ? null : new SecondFactors(session).recoveryCodes(user).orElse(null);
        if (codes != null && codes.remaining() > 0) {
            factors.add("recovery_code");
            nextRecoveryCode = codes.total() - codes.remaining() + 1;
        }
        AuthException required = new AuthException(AuthError.MFA_REQUIRED,
                "The password is correct; finish the login with a code of the account's second factor at /auth/login/mfa")
                .withDetail("mfa_token", challenge.token())
                .withDetail("expires_in", challenge.expiresIn())
                .withDetail("factors", factors);
        return nextRecoveryCode == null ? required : required.withDetail("recovery_code_number", nextRecoveryCode);
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
