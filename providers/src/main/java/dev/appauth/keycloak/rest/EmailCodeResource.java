package dev.appauth.keycloak.rest;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.authenticator.DirectGrantFlows;
import dev.appauth.keycloak.authenticator.FlowRateLimit;
import dev.appauth.keycloak.lifecycle.EmailCodeLogin;
import java.io.InputStream;

import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.UserModel;

/**
 * otp (mail a one-time sign-in code) and otp/verify (sign in with it, or with the link's token), for clients that
 * opt in. Enumeration-safe like forgot-password: otp answers 202 whether or not the address has an account, and
 * every wrong, expired or foreign code or link answers the same 401.
 */
final class EmailCodeResource {

    static final String CODE_SENT_MESSAGE = "If the address belongs to an account, a sign-in code has been sent to it.";

    private final ApiContext api;

    EmailCodeResource(ApiContext api) {
        this.api = api;
    }

    Response send(InputStream body) {
        api.limits().checkIp("otp");
        JsonRequest request = api.body(body, false);
        String email = request.email("email");
        String clientId = request.string("client_id", false, Fields.MAX_NAME);
        request.requireValid();
        String linkClientId = api.linkClientId(clientId);
        requireOptIn(linkClientId);
        api.limits().checkAccount("otp", email);
        new EmailCodeLogin(api.session).request(email, linkClientId);
        return ApiResponses.message(Response.Status.ACCEPTED, CODE_SENT_MESSAGE);
    }

    Response verify(InputStream body) {
        api.limits().checkIp("otp-verify");
        JsonRequest request = api.body(body, false);
        String email = request.string("email", false, Fields.MAX_EMAIL);
        String code = request.secret("code", false, 64);
        String token = request.string("token", false, Fields.MAX_TOKEN);
        String clientId = request.string("client_id", false, Fields.MAX_NAME);
        if (token == null && (email == null || code == null)) {
            request.fieldError(email == null ? "email" : "code", "is required (email and code, or the link's token)");
        }
        if (token != null && code != null) {
            request.fieldError("token", "send either the link's token or email and code, not both");
        }
        request.requireValid();

        EventBuilder event = api.event(EventType.LOGIN).detail("auth_type", "email_code");
        TokenIssuer issuer = new TokenIssuer(api.session, api.config, api.cors);
        TokenIssuer.AuthenticatedClient client = issuer.authenticateClient(clientId, event);
        requireOptIn(client.client().getClientId());
        EmailCodeLogin login = new EmailCodeLogin(api.session);
        UserModel user = token != null ? login.verifyLink(token, client.client().getClientId())
                : login.verifyCode(email, code, client.client().getClientId());
        if (user == null) {
            event.error("invalid_code");
            throw new AuthException(AuthError.INVALID_GRANT, "The code or link is wrong, expired or used up; request a new one");
        }
        if (!DirectGrantFlows.countsLoginAttempts(api.realm, client.client())) {
            api.limits().checkAccount(FlowRateLimit.LOGIN, user.getUsername());
        }
        // the code came to the address: it is verified now, as a verification link would have done
        user.setEmailVerified(true);
        user.removeRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
        TokenIssuer.GrantResult result = issuer.emailCodeGrant(client, user, event);
        if (!result.succeeded()) {
            throw LoginOutcomes.refusal(api.session, event, user.getUsername());
        }
        return ApiResponses.json(Response.Status.OK, SessionTokensResource.tokenResponse(result.tokens(),
                SessionTokensResource.userOf(api, event, result.tokens())));
    }

    private void requireOptIn(String clientId) {
        if (!EmailCodeLogin.allows(api.realm.getClientByClientId(clientId))) {
            throw new AuthException(AuthError.UNAUTHORIZED_CLIENT, "This client does not offer sign-in with an email code");
        }
    }
}
