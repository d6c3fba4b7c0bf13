package dev.appauth.keycloak.authenticator;

import java.util.List;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Direct-grant step after the username: where the grant carries an MFA challenge ({@value LoginChallenges#FORM_PARAMETER},
 * sent by /auth/login/mfa), spends it and, if it was minted for this user and client, lets the conditional
 * "Password" sub-flow skip the password ({@link FirstFactorPendingCondition}), so the second factor is asked next.
 * A challenge that is unknown, expired, spent or another user's or client's ends the grant with the event error
 * {@value #EVENT_ERROR}. Without the parameter the step does nothing.
 */
public final class DirectGrantLoginChallenge extends DirectGrantStep {

    public static final String PROVIDER_ID = "app-auth-direct-grant-mfa-challenge";

    /** Event error of a challenge that cannot be used; /auth answers 401 invalid_grant (log in again). */
    public static final String EVENT_ERROR = "mfa_token_invalid";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        String token = context.getHttpRequest().getDecodedFormParameters().getFirst(LoginChallenges.FORM_PARAMETER);
        if (token == null) {
            context.success();
            return;
        }
        // spent before it is checked: a token that fails the checks is not worth keeping either
        LoginChallenges.Challenge challenge = LoginChallenges.spend(context.getSession(), token);
        if (challenge == null || !challenge.userId().equals(context.getUser().getId())
                || !challenge.clientId().equals(context.getAuthenticationSession().getClient().getClientId())
                // the challenge skips the password only for the second factor: none left, nothing to skip to
                || !context.getUser().credentialManager().isConfiguredFor(OTPCredentialModel.TYPE)) {
            context.getEvent().user(context.getUser()).error(EVENT_ERROR);
            context.forceChallenge(errorResponse(400, "invalid_grant", "Invalid or expired MFA token"));
            return;
        }
        context.getSession().setAttribute(LoginChallenges.PRESENTED, new LoginChallenges.Presented(token, challenge));
        context.success();
    }

    /** Whether this request presented a valid challenge, i.e. the first factor is already shown. */
    static boolean presented(AuthenticationFlowContext context) {
        return context.getSession().getAttribute(LoginChallenges.PRESENTED) != null;
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public String getDisplayType() {
        return "App Auth: MFA challenge (direct grant)";
    }

    @Override
    public String getHelpText() {
        return "Second step of an API login with a second factor: spends the short-lived challenge (mfa_token) that the "
                + "first step issued after the password, so the conditional 'Password' sub-flow after it is skipped and the "
                + "second factor is asked. Place it after 'Username Validation'; without a challenge it does nothing.";
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
