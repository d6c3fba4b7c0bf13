package dev.appauth.keycloak.rest;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

/**
 * The caller of a Bearer endpoint: Keycloak's own bearer-token check (signature, expiry, revocation, a live
 * user session), then the token's client's Web Origins for browser callers.
 */
final class BearerAuth {

    private BearerAuth() {
    }

    static AuthenticationManager.AuthResult authenticate(KeycloakSession session, Cors cors) {
        AppAuthManager.AuthHeader header;
        try {
            header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getRequestHeaders());
        } catch (NotAuthorizedException e) {
            header = null; // several Authorization headers
        }
        if (header == null) {
            throw AuthException.invalidAccessToken();
        }
        AuthenticationManager.AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session)
                .setTokenString(header.getToken()).authenticate();
        if (auth == null || auth.session() == null) {
            throw AuthException.invalidAccessToken();
        }
        try {
            cors.checkAllowedOrigins(auth.token());
        } catch (ForbiddenException e) {
            throw originNotAllowed();
        }
        return auth;
    }

    static AuthException originNotAllowed() {
        return new AuthException(AuthError.INVALID_ORIGIN, "Origin not allowed for this client");
    }
}
