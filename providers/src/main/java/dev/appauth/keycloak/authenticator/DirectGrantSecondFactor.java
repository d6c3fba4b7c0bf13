package dev.appauth.keycloak.authenticator;

import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.provider.ProviderConfigProperty;

import dev.appauth.keycloak.email.SecurityNotice;

/**
 * The direct grant's second factor, in place of Keycloak's "OTP" step (whose answer to a missing code is the same as
 * to a wrong password, so an API client could not tell that a code is needed). Accepts, like Keycloak's step, a code
 * of the user's default OTP credential in {@code otp} (or {@code totp}), and also the next recovery code in
 * {@code recovery_code}; a used recovery code mails the account's owner. Without either:
 * <ul>
 *   <li>on /auth/login (a server-side session attribute, see {@link LoginChallenges#API_LOGIN}) it mints an MFA
 *       challenge and ends the grant with the event error {@value #EVENT_ERROR}, which /auth answers 401
 *       mfa_required with the challenge; it is not a failed login;</li>
 *   <li>anywhere else it answers as Keycloak's step does: invalid credentials.</li>
 * </ul>
 * A wrong code counts as a failed login for brute-force detection; after a presented challenge it also gives the
 * challenge back with one attempt less, so a typo does not cost the password.
 */
public final class DirectGrantSecondFactor extends DirectGrantStep {

    public static final String PROVIDER_ID = "app-auth-direct-grant-second-factor";

    /** Event error of a login that needs the second step; /auth answers 401 mfa_required. */
    public static final String EVENT_ERROR = "mfa_required";

    public static final String OTP_PARAMETER = "otp";
    public static final String RECOVERY_CODE_PARAMETER = "recovery_code";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String otp = form.getFirst(OTP_PARAMETER) != null ? form.getFirst(OTP_PARAMETER) : form.getFirst("totp");
        String recoveryCode = form.getFirst(RECOVERY_CODE_PARAMETER);
        KeycloakSession session = context.getSession();
        UserModel user = context.getUser();
        if (otp != null) {
            if (validOtp(user, otp)) {
                context.success(OTPCredentialModel.TYPE);
            } else {
                wrongCode(context);
            }
            return;
        }
        if (recoveryCode != null) {
            if (validRecoveryCode(user, recoveryCode)) {
                SecurityNotice.RECOVERY_CODE_USED.queue(session, user);
                context.success(RecoveryAuthnCodesCredentialModel.TYPE);
            } else {
                wrongCode(context);
            }
            return;
        }
        if (!DirectGrantLoginChallenge.presented(context) && Boolean.TRUE.equals(session.getAttribute(LoginChallenges.API_LOGIN))) {
            session.setAttribute(LoginChallenges.MINTED,
                    LoginChallenges.mint(session, user, context.getAuthenticationSession().getClient()));
            context.getEvent().user(user).error(EVENT_ERROR);
            context.forceChallenge(errorResponse(400, "invalid_grant", "A second factor is required"));
            return;
        }
        wrongCode(context);
    }

    /**
     * A code of one of the user's OTP credentials, under the realm's OTP policy. Keycloak's own step tries only the
     * default one; an API user may have enrolled several apps, and each is a factor the account shows as such.
     */
    private static boolean validOtp(UserModel user, String otp) {
        String code = otp.trim();
        return !code.isEmpty() && user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .anyMatch(credential -> user.credentialManager().isValid(
                        new UserCredentialModel(credential.getId(), OTPCredentialModel.TYPE, code)));
    }

    /** Keycloak accepts only the next code of the set, once; typed codes often carry spaces, dashes or lower case. */
    private static boolean validRecoveryCode(UserModel user, String code) {
        String normalized = code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        return !normalized.isEmpty() && user.credentialManager().isValid(
                new UserCredentialModel(null, RecoveryAuthnCodesCredentialModel.TYPE, normalized));
    }

    private void wrongCode(AuthenticationFlowContext context) {
        LoginChallenges.Presented presented = context.getSession().getAttribute(LoginChallenges.PRESENTED, LoginChallenges.Presented.class);
        if (presented != null) {
            context.getSession().setAttribute(LoginChallenges.ATTEMPTS_LEFT, LoginChallenges.retry(context.getSession(), presented));
        }
        context.getEvent().user(context.getUser()).error(Errors.INVALID_USER_CREDENTIALS);
        context.failure(AuthenticationFlowError.INVALID_USER, errorResponse(400, "invalid_grant", "Invalid user credentials"));
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return user.credentialManager().isConfiguredFor(OTPCredentialModel.TYPE);
    }

    @Override
    public String getReferenceCategory() {
        return OTPCredentialModel.TYPE;
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public String getDisplayType() {
        return "App Auth: second factor (direct grant)";
    }

    @Override
    public String getHelpText() {
        return "Asks a user with an OTP credential for a code ('otp') or the next recovery code ('recovery_code'). "
                + "On /auth/login a missing code answers mfa_required with a short-lived challenge for /auth/login/mfa; "
                + "elsewhere it is refused like a wrong password, as Keycloak's 'OTP' step does. Use it in place of that "
                + "step, in a conditional sub-flow with 'Condition - user configured'.";
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
