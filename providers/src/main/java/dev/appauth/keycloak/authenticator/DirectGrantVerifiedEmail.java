package dev.appauth.keycloak.authenticator;

import java.util.List;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Direct-grant step after the password: refuses a user whose address is not verified where the rule asks for
 * one, with the event error {@value #EVENT_ERROR} (the token endpoint answers 400 invalid_grant,
 * /auth/login 403 email_not_verified). Only reached with the right password, as Keycloak's own required-action
 * refusal is; it does not count as a failed login.
 */
public final class DirectGrantVerifiedEmail extends DirectGrantStep {

    public static final String PROVIDER_ID = "app-auth-direct-grant-verified-email";

    /** Event error of a refused login; /auth answers it 403 email_not_verified. */
    public static final String EVENT_ERROR = "email_not_verified";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (VerifiedEmailRule.unmet(context)) {
            context.getEvent().user(context.getUser()).error(EVENT_ERROR);
            context.forceChallenge(errorResponse(400, "invalid_grant", "Email address is not verified"));
            return;
        }
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public String getDisplayType() {
        return "App Auth: verified email (direct grant)";
    }

    @Override
    public String getHelpText() {
        return "Refuses a password grant for a user whose email is not verified, where the realm requires verified email "
                + "(or always, if so configured). Place it after 'Password'.";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return VerifiedEmailRule.CONFIG;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
