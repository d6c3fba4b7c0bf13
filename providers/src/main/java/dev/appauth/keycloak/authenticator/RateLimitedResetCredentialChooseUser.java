package dev.appauth.keycloak.authenticator;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.resetcred.ResetCredentialChooseUser;
import org.keycloak.models.KeycloakSession;

import dev.appauth.keycloak.ratelimit.ServerRateLimits;

/**
 * Keycloak's "Choose User" step of the reset-credentials flow (the login page's "Forgot password?" form), with the
 * {@value FlowRateLimit#FORGOT_PASSWORD} rate limit of /auth/forgot-password counted when the form is submitted:
 * mail-bombing an address through the login page meets the same limit as through the API. Over the limit the form
 * comes back (HTTP 429) with the message {@value #MESSAGE} and no mail is sent — for known and unknown names alike.
 */
public final class RateLimitedResetCredentialChooseUser extends ResetCredentialChooseUser {

    /** At most 36 characters: the column that stores an execution's authenticator is varchar(36). */
    public static final String PROVIDER_ID = "app-auth-reset-choose-user";
    static final String MESSAGE = "appAuthForgotPasswordRateLimited";

    private FlowRateLimit limit;

    @Override
    public void init(Config.Scope config) {
        limit = new FlowRateLimit(ServerRateLimits.fromServerConfig(), FlowRateLimit.FORGOT_PASSWORD);
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return this;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        String typed = context.getHttpRequest().getDecodedFormParameters().getFirst("username");
        String name = typed == null || typed.isBlank() ? null : typed.trim();
        long wait = limit.attempt(context, name);
        if (wait > 0) {
            Response page = context.form().setError(MESSAGE, wait).createPasswordReset();
            context.challenge(Response.fromResponse(page).status(429).header(HttpHeaders.RETRY_AFTER, wait).build());
            return;
        }
        super.action(context);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "App Auth: Choose User (rate-limited)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's 'Choose User' step of the reset-credentials flow, counting each submission of the 'Forgot "
                + "password?' form per client IP and per typed name under the realm's 'forgot-password' rules (shared with "
                + "/auth/forgot-password). Over the limit the form shows appAuthForgotPasswordRateLimited (HTTP 429) and no "
                + "mail is sent.";
    }
}
