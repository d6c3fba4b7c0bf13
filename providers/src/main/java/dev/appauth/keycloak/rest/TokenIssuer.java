package dev.appauth.keycloak.rest;

import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.authenticator.DirectGrantSecondFactor;
import dev.appauth.keycloak.authenticator.LoginChallenges;
import dev.appauth.keycloak.lifecycle.AllowedClients;

import org.keycloak.OAuth2Constants;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.utils.AuthorizeClientUtil;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.cors.Cors;

/**
 * Issues tokens the way Keycloak's token endpoint does, for one request of the JSON API: the client
 * is authenticated by Keycloak's client-authentication flow, and login and refresh run Keycloak's
 * own password and refresh-token grant types (so the realm's direct-grant flow, brute-force
 * detection, client policies and refresh-token rotation apply unchanged).
 */
final class TokenIssuer {

    /** openid makes the tokens usable at Keycloak's userinfo endpoint; the client's default scopes add the rest. */
    static final String SCOPE = OAuth2Constants.SCOPE_OPENID;

    /** What a grant type answered: tokens, or none (why is recorded, as Keycloak's error code, in the grant's event). */
    record GrantResult(AccessTokenResponse tokens) {
        boolean succeeded() {
            return tokens != null;
        }
    }

    record AuthenticatedClient(ClientModel client, Map<String, String> authAttributes) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AuthApiConfig config;
    private final Cors cors;
    private final MultivaluedMap<String, String> form = new MultivaluedHashMap<>();

    TokenIssuer(KeycloakSession session, AuthApiConfig config, Cors cors) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.config = config;
        this.cors = cors;
    }

    /**
     * Resolves the client the tokens are for (the configured default, or one the admin allowed) and
     * authenticates it with the realm's client-authentication flow: confidential clients send HTTP Basic.
     */
    AuthenticatedClient authenticateClient(String requestedClientId, EventBuilder event) {
        String clientId = AllowedClients.resolve(realm, config.defaultClientId(), requestedClientId).getClientId();
        form.putSingle(OAuth2Constants.CLIENT_ID, clientId);
        useFormParameters();
        // Keycloak's client authenticators read client_id from a form body or HTTP Basic; for a JSON
        // body they fall back to this session attribute (Basic credentials still win when present).
        session.setAttribute(OAuth2Constants.CLIENT_ID, clientId);
        try {
            AuthorizeClientUtil.ClientAuthResult result = AuthorizeClientUtil.authorizeClient(session, event, null);
            if (!clientId.equals(result.getClient().getClientId())) {
                // HTTP Basic named another client than the body (or the default): never mix the two
                throw clientAuthenticationFailed();
            }
            session.getContext().setClient(result.getClient());
            cors.checkAllowedOrigins(session, result.getClient());
            return new AuthenticatedClient(result.getClient(), result.getClientAuthAttributes());
        } catch (jakarta.ws.rs.ForbiddenException e) {
            throw BearerAuth.originNotAllowed();
        } catch (WebApplicationException e) {
            throwIfUnavailable(e);
            throw clientAuthenticationFailed();
        }
    }

    private static AuthException clientAuthenticationFailed() {
        return new AuthException(AuthError.CLIENT_AUTHENTICATION_FAILED, "Client authentication failed");
    }

    /** Keycloak's password grant through the realm's direct-grant flow, for /auth/login. */
    GrantResult passwordGrant(AuthenticatedClient client, String username, String password, EventBuilder event) {
        form.putSingle(OAuth2Constants.PASSWORD, password);
        return directGrant(client, username, event);
    }

    /**
     * The second step of a login with a second factor: the same password grant, carrying the MFA challenge in place
     * of the password (the flow's challenge step accepts it for this user and client only) and the code.
     */
    GrantResult secondFactorGrant(AuthenticatedClient client, String username, String mfaToken, String code, String recoveryCode,
                                  EventBuilder event) {
        form.putSingle(LoginChallenges.FORM_PARAMETER, mfaToken);
        if (code != null) {
            form.putSingle(DirectGrantSecondFactor.OTP_PARAMETER, code);
        }
        if (recoveryCode != null) {
            form.putSingle(DirectGrantSecondFactor.RECOVERY_CODE_PARAMETER, recoveryCode);
        }
        return directGrant(client, username, event);
    }

    /**
     * The realm's direct-grant flow for a user whose first factor an email code proved (checked by the caller in
     * this request): the password step is skipped (FirstFactorPendingCondition); the rest of the flow applies.
     */
    GrantResult emailCodeGrant(AuthenticatedClient client, UserModel user, EventBuilder event) {
        session.setAttribute(LoginChallenges.FIRST_FACTOR_PROVEN, user.getId());
        return directGrant(client, user.getUsername(), event);
    }

    /**
     * The first login of an account /auth/register has just created with this password: the password grant, with
     * the first factor marked proven, so the realm's flow skips its password step instead of hashing the password a
     * second time (FirstFactorPendingCondition); a flow without that condition checks the password it is given.
     */
    GrantResult registrationGrant(AuthenticatedClient client, UserModel user, String password, EventBuilder event) {
        session.setAttribute(LoginChallenges.FIRST_FACTOR_PROVEN, user.getId());
        return passwordGrant(client, user.getUsername(), password, event);
    }

    private GrantResult directGrant(AuthenticatedClient client, String username, EventBuilder event) {
        form.putSingle(OAuth2Constants.GRANT_TYPE, OAuth2Constants.PASSWORD);
        form.putSingle(OAuth2Constants.USERNAME, username);
        form.putSingle(OAuth2Constants.SCOPE, SCOPE);
        ClientModel model = client.client();
        if (model.getClientId().equals(config.defaultClientId())) {
            // the API's own client allows the password grant on /auth only (see ApiPasswordGrantClient)
            session.getContext().setClient(new ApiPasswordGrantClient(model));
        }
        // the caller of /auth can answer mfa_required (DirectGrantSecondFactor); the token endpoint's cannot
        session.setAttribute(LoginChallenges.API_LOGIN, Boolean.TRUE);
        return runGrant(OAuth2Constants.PASSWORD, client, event);
    }

    GrantResult refreshGrant(AuthenticatedClient client, String refreshToken, EventBuilder event) {
        form.putSingle(OAuth2Constants.GRANT_TYPE, OAuth2Constants.REFRESH_TOKEN);
        form.putSingle(OAuth2Constants.REFRESH_TOKEN, refreshToken);
        return runGrant(OAuth2Constants.REFRESH_TOKEN, client, event);
    }

    private GrantResult runGrant(String grantType, AuthenticatedClient client, EventBuilder event) {
        OAuth2GrantType grant = session.getProvider(OAuth2GrantType.class, grantType);
        event.event(grant.getEventType()).detail(Details.GRANT_TYPE, grantType);
        OAuth2GrantType.Context context = new OAuth2GrantType.Context(session,
                OIDCAdvancedConfigWrapper.fromClientModel(client.client()), client.authAttributes(), form, event, cors,
                new ApiTokenManager());
        Response response;
        try {
            response = grant.process(context);
        } catch (WebApplicationException e) {
            throwIfUnavailable(e);
            response = e.getResponse();
        }
        return new GrantResult(response.getStatus() == 200 && response.getEntity() instanceof AccessTokenResponse tokens
                ? tokens : null);
    }

    /** The token store (or another dependency) answered 503: report that, not a credentials problem. */
    private static void throwIfUnavailable(WebApplicationException e) {
        if (e.getResponse() != null && e.getResponse().getStatus() == Response.Status.SERVICE_UNAVAILABLE.getStatusCode()) {
            throw AuthException.unavailable();
        }
    }

    /** Keycloak's grant types and authenticators read OAuth parameters from the form; hand them ours. */
    private void useFormParameters() {
        HttpRequest current = session.getContext().getHttpRequest();
        if (!(current instanceof JsonFormHttpRequest)) {
            session.getContext().setHttpRequest(new JsonFormHttpRequest(current, form));
        }
    }
}
