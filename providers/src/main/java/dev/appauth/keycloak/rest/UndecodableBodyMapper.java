package dev.appauth.keycloak.rest;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.error.KeycloakErrorHandler;

import dev.appauth.keycloak.AuthException;

/**
 * A form-encoded body that does not decode (e.g. {@code %ZZ=1}) fails in the HTTP layer before any /auth method
 * runs: RESTEasy reads form bodies eagerly and throws IllegalArgumentException. Under /auth that is the caller's
 * fault and answers 400 in the API's shape; everywhere else Keycloak's own error handler answers as before.
 */
@Provider
public class UndecodableBodyMapper implements ExceptionMapper<IllegalArgumentException> {

    @Context
    KeycloakSession session;

    @Override
    public Response toResponse(IllegalArgumentException e) {
        if (session == null || !ApiPaths.isApiRequest(session)) {
            return KeycloakErrorHandler.getResponse(session, e);
        }
        session.getTransactionManager().setRollbackOnly();
        return ApiResponses.error(AuthException.invalidRequest("Request body could not be decoded"), session.getContext().getRealm());
    }
}
