package dev.appauth.keycloak.store;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * The Redis store could not answer. Thrown instead of any "absent" or "not found" answer, so that a caller never
 * treats an outage as permission to use a token again.
 * <p>
 * It is a {@link WebApplicationException} with status 503 and message {@value #ERROR} so that Keycloak's own
 * endpoints (code exchange, userinfo, introspection, action tokens, admin API) answer 503
 * {@code {"error":"temporarily_unavailable"}} through Keycloak's error handler instead of a 500; the /auth
 * endpoints map it to the same error.
 */
public class TokenStoreUnavailableException extends WebApplicationException {

    /** The error code, used by Keycloak's error handler as the {@code error} of the response body. */
    public static final String ERROR = "temporarily_unavailable";

    public TokenStoreUnavailableException(Throwable cause) {
        super(ERROR, cause, Response.Status.SERVICE_UNAVAILABLE);
    }
}
