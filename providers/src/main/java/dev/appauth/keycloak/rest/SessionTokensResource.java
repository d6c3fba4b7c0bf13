package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.managers.AuthenticationManager;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.authenticator.DirectGrantFlows;
import dev.appauth.keycloak.authenticator.FlowRateLimit;
import dev.appauth.keycloak.lifecycle.Registration;
import dev.appauth.keycloak.lifecycle.UserSessions;

/** register, login, refresh, logout: the endpoints that start, renew and end sessions. */
final class SessionTokensResource {

    static final String LOGOUT_MESSAGE = "Successfully logged out";
    static final String VERIFICATION_PENDING_MESSAGE =
            "If the address can be registered, a message has been sent to it. Follow the link in it to finish signing up.";

    private final ApiContext api;

    SessionTokensResource(ApiContext api) {
        this.api = api;
    }

    Response register(InputStream body) {
        api.limits().checkIp("register");
        JsonRequest request = api.body(body, false);
        String email = request.string("email", true, Fields.MAX_EMAIL);
        String password = request.secret("password", true, Fields.MAX_PASSWORD);
        String username = request.string("username", !api.realm.isRegistrationEmailAsUsername(), Fields.MAX_NAME);
        String firstName = request.string("first_name", false, Fields.MAX_NAME);
        String lastName = request.string("last_name", false, Fields.MAX_NAME);
        String picture = request.string("profile_image_url", false, Fields.MAX_URL);
        String clientId = request.string("client_id", false, Fields.MAX_NAME);
        request.requireValid();
        Registration.NewAccount account = new Registration.NewAccount(email, username, password, firstName, lastName, picture);
        api.limits().checkAccount("register", email);

        EventBuilder event = api.event(EventType.REGISTER);
        TokenIssuer issuer = new TokenIssuer(api.session, api.config, api.cors);
        TokenIssuer.AuthenticatedClient client = issuer.authenticateClient(clientId, event);
        UserModel user = new Registration(api.session).register(account, client.client().getClientId(), event).orElse(null);
        if (user == null) {
            return ApiResponses.message(Response.Status.ACCEPTED, VERIFICATION_PENDING_MESSAGE);
        }
        // signed in by Keycloak's own password grant, as a login would be: the direct-grant flow, required-action
        // triggers, client policies, token binding and events apply to a new account too, with one hash only
        EventBuilder login = api.event(EventType.LOGIN);
        TokenIssuer.GrantResult result = issuer.registrationGrant(client, user, password, login);
        if (!result.succeeded()) {
            // the account stays; the answer is the one its first login gets
            event.success();
            throw LoginOutcomes.refusal(api.session, login, user.getUsername());
        }
        event.session(result.tokens().getSessionState()).success();
        return ApiResponses.json(Response.Status.CREATED, tokenResponse(result.tokens(), user));
    }

    Response login(InputStream body) {
        JsonRequest request = api.body(body, false);
        String email = request.string("email", false, Fields.MAX_EMAIL);
        String username = request.string("username", false, Fields.MAX_NAME);
        String password = request.secret("password", true, Fields.MAX_PASSWORD);
        String clientId = request.string("client_id", false, Fields.MAX_NAME);
        if (email == null && username == null && !request.has("email") && !request.has("username")) {
            request.fieldError("email", "is required (or username)");
        }
        request.requireValid();
        if (email == null && username == null) {
            throw AuthException.invalidRequest("email or username is required", Map.of("email", List.of("must not be empty")));
        }
        String login = email != null ? email : username;

        EventBuilder event = api.event(EventType.LOGIN);
        TokenIssuer issuer = new TokenIssuer(api.session, api.config, api.cors);
        TokenIssuer.AuthenticatedClient client = issuer.authenticateClient(clientId, event);
        // the direct-grant flow counts login attempts (authenticator/DirectGrantRateLimit) for /auth, the token
        // endpoint and the login form alike; only a realm whose flow lacks that step is counted here
        if (!DirectGrantFlows.countsLoginAttempts(api.realm, client.client())) {
            api.limits().checkIp(FlowRateLimit.LOGIN);
            api.limits().checkAccount(FlowRateLimit.LOGIN, login);
        }
        TokenIssuer.GrantResult result = issuer.passwordGrant(client, login, password, event);
        if (!result.succeeded()) {
            throw LoginOutcomes.refusal(api.session, event, login);
        }
        return ApiResponses.json(Response.Status.OK, tokenResponse(result.tokens(), userOf(api, event, result.tokens())));
    }

    Response refresh(InputStream body) {
        api.limits().checkIp("refresh");
        JsonRequest request = api.body(body, false);
        String refreshToken = request.string("refresh_token", true, Fields.MAX_TOKEN);
        String clientId = request.string("client_id", false, Fields.MAX_NAME);
        request.requireValid();

        // signature checked here, so that only genuine tokens are recorded as spent or end sessions
        RefreshToken presented = api.session.tokens().decode(refreshToken, RefreshToken.class);
        if (presented == null || presented.getIssuedFor() == null
                || (clientId != null && !clientId.equals(presented.getIssuedFor()))) {
            throw AuthException.invalidGrant();
        }
        EventBuilder event = api.event(EventType.REFRESH_TOKEN);
        TokenIssuer issuer = new TokenIssuer(api.session, api.config, api.cors);
        TokenIssuer.AuthenticatedClient client;
        try {
            client = issuer.authenticateClient(presented.getIssuedFor(), event);
        } catch (AuthException e) {
            throw e.error() == AuthError.INVALID_CLIENT ? AuthException.invalidGrant() : e;
        }
        RefreshFamily family = new RefreshFamily(api.session.singleUseObjects(), token -> usedAtKeycloak(token, client),
                this::endStolenSession, api.realm.getOfflineSessionIdleTimeout());
        family.spend(presented);
        TokenIssuer.GrantResult result;
        try {
            result = issuer.refreshGrant(client, refreshToken, event);
        } catch (AuthException e) {
            if (e.rollsBack()) {
                family.unspend(presented);
            }
            throw e;
        }
        if (!result.succeeded()) {
            throw AuthException.invalidGrant();
        }
        return ApiResponses.json(Response.Status.OK, tokenResponse(result.tokens(), userOf(api, event, result.tokens())));
    }

    Response logout(InputStream body) {
        AuthenticationManager.AuthResult auth = api.bearer();
        JsonRequest request = api.body(body, true);
        String scope = request.string("scope", false, 16);
        String refreshToken = request.string("refresh_token", false, Fields.MAX_TOKEN);
        if (scope != null && !scope.equals("current") && !scope.equals("all")) {
            request.fieldError("scope", "must be \"current\" or \"all\"");
        }
        request.requireValid();

        EventBuilder event = api.event(EventType.LOGOUT).user(auth.user()).session(auth.session())
                .detail("scope", scope == null ? "current" : scope);
        UserSessions sessions = new UserSessions(api.session);
        sessions.revoke(auth.token());
        if ("all".equals(scope)) {
            sessions.endAll(auth.user());
        } else {
            sessions.end(auth.session());
            UserSessionModel other = sessionOfOwnRefreshToken(refreshToken, auth.user());
            if (other != null && !other.getId().equals(auth.session().getId())) {
                sessions.end(other);
            }
        }
        event.success();
        return ApiResponses.message(Response.Status.OK, LOGOUT_MESSAGE);
    }

    private void endStolenSession(RefreshToken token) {
        UserSessionModel userSession = token.getSessionId() == null ? null
                : api.session.sessions().getUserSession(api.realm, token.getSessionId());
        EventBuilder event = api.event(EventType.REFRESH_TOKEN).detail(Details.REASON, "refresh_token_reused");
        if (userSession != null) {
            event.user(userSession.getUser()).session(userSession);
            AuthenticationManager.backchannelLogout(api.session, userSession, true);
        }
        event.error(Errors.INVALID_TOKEN);
    }

    /**
     * Keycloak's own reuse rule (TokenManager.validateTokenReuse, without counting a use) says whether the token was
     * already rotated away at its token endpoint. Asked before the grant, because the grant detaches the client
     * session when it sees a reuse. Only meaningful where the realm revokes refresh tokens on use.
     */
    private boolean usedAtKeycloak(RefreshToken token, TokenIssuer.AuthenticatedClient client) {
        if (!api.realm.isRevokeRefreshToken() || token.getSessionId() == null) {
            return false;
        }
        UserSessionModel userSession = api.session.sessions().getUserSession(api.realm, token.getSessionId());
        if (userSession == null) {
            userSession = api.session.sessions().getOfflineUserSession(api.realm, token.getSessionId());
        }
        AuthenticatedClientSessionModel clientSession = userSession == null ? null
                : userSession.getAuthenticatedClientSessionByClient(client.client().getId());
        if (clientSession == null) {
            return false;
        }
        try {
            new TokenManager().validateTokenReuse(api.session, api.realm, token, clientSession, false);
            return false;
        } catch (OAuthErrorException reused) {
            return true;
        }
    }

    /** The session of a refresh token presented at logout, if it is genuine and the caller's own. */
    private UserSessionModel sessionOfOwnRefreshToken(String refreshToken, UserModel user) {
        if (refreshToken == null) {
            return null;
        }
        RefreshToken token = api.session.tokens().decode(refreshToken, RefreshToken.class);
        if (token == null || token.getSessionId() == null || !token.isActive()) {
            return null;
        }
        UserSessionModel userSession = api.session.sessions().getUserSession(api.realm, token.getSessionId());
        return userSession != null && userSession.getUser().getId().equals(user.getId()) ? userSession : null;
    }

    /**
     * The user the grant issued tokens for: the one its event names (Keycloak's grants record it), else the subject
     * of the access token. The event saves parsing the token just issued on every login and refresh (seen in a
     * JFR profile of the benchmark); the user is then a cache hit either way.
     */
    static UserModel userOf(ApiContext api, EventBuilder event, AccessTokenResponse tokens) {
        String userId = event.getEvent().getUserId();
        if (userId == null) {
            AccessToken token = decodeIssued(tokens.getToken());
            userId = token == null ? null : token.getSubject();
        }
        UserModel user = userId == null ? null : api.session.users().getUserById(api.realm, userId);
        if (user == null) {
            throw new IllegalStateException("Issued token without a resolvable subject");
        }
        return user;
    }

    /** Reads a token we just issued without checking its signature again. */
    private static AccessToken decodeIssued(String jwt) {
        try {
            return new JWSInput(jwt).readJsonContent(AccessToken.class);
        } catch (JWSInputException | RuntimeException e) {
            return null;
        }
    }

    static Map<String, Object> tokenResponse(AccessTokenResponse tokens, UserModel user) {
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("access_token", tokens.getToken());
        token.put("refresh_token", tokens.getRefreshToken());
        token.put("token_type", "bearer");
        token.put("expires_in", tokens.getExpiresIn());
        token.put("refresh_expires_in", tokens.getRefreshExpiresIn());
        token.put("scope", tokens.getScope());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("token", token);
        response.put("user", UserView.of(user));
        return response;
    }
}
