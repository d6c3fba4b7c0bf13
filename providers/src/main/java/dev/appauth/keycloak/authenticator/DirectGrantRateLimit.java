package dev.appauth.keycloak.authenticator;

import java.util.List;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.managers.AuthenticationManager;

import dev.appauth.keycloak.ratelimit.ServerRateLimits;

/**
 * First step of the direct-grant flow: counts the attempt per IP and per account before the username or password
 * is looked at, and answers 429 with Retry-After when over the limit (the password is then not checked, so a
 * guesser learns nothing and Keycloak's brute-force counter is not touched).
 */
public final class DirectGrantRateLimit extends DirectGrantStep {

    public static final String PROVIDER_ID = "app-auth-direct-grant-rate-limit";

    private FlowRateLimit limit;

    @Override
    public void init(Config.Scope config) {
        limit = new FlowRateLimit(ServerRateLimits.fromServerConfig(), FlowRateLimit.LOGIN);
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        String login = context.getHttpRequest().getDecodedFormParameters().getFirst(AuthenticationManager.FORM_USERNAME);
        long wait = limit.attempt(context, login);
        if (wait > 0) {
            Response tooMany = Response.fromResponse(errorResponse(429, FlowRateLimit.EVENT_ERROR,
                            "Too many login attempts; try again later"))
                    .header(HttpHeaders.RETRY_AFTER, wait).build();
            context.forceChallenge(tooMany);
            return;
        }
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public String getDisplayType() {
        return "App Auth: login rate limit (direct grant)";
    }

    @Override
    public String getHelpText() {
        return "Counts each password-grant attempt per client IP and per account name (the 'username' parameter) and "
                + "refuses with 429 and Retry-After over the limit. Place it first in the direct-grant flow. The limits are "
                + "the realm's 'login' rules (realm attribute auth-api.rate-limits, e.g. login.ip=60/1m,login.account=30/10m; "
                + "else the server's), shared with the login form of the browser flow and with /auth/login.";
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
