package dev.appauth.keycloak.authenticator;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.KeycloakSession;

import dev.appauth.keycloak.ratelimit.ServerRateLimits;

/** Keycloak's "Username Password Form" with the login rate limit: put it in the browser flow in place of that one. */
public final class RateLimitedUsernamePasswordFormFactory extends UsernamePasswordFormFactory {

    public static final String PROVIDER_ID = "app-auth-username-password-form";

    private FlowRateLimit limit;

    @Override
    public void init(Config.Scope config) {
        limit = new FlowRateLimit(ServerRateLimits.fromServerConfig(), FlowRateLimit.LOGIN);
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new RateLimitedUsernamePasswordForm(session, limit);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "App Auth: Username Password Form (rate-limited)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's username/password form, counting each submission per client IP and per account name before "
                + "the password is checked. Over the limit the form shows the message appAuthLoginRateLimited (HTTP 429). "
                + "The limits are the realm's 'login' rules (realm attribute auth-api.rate-limits, else the server's), "
                + "shared with the direct-grant flow and /auth/login.";
    }
}
