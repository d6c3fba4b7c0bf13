package dev.appauth.keycloak;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * A service the bundle depends on could not answer; the caller may retry, nothing was recorded.
 * <p>
 * It is a {@link WebApplicationException} with status 503 and message {@value #ERROR} so that Keycloak's own
 * endpoints (code exchange, userinfo, introspection, action tokens, admin API) answer 503
 * {@code {"error":"temporarily_unavailable"}} through Keycloak's error handler instead of a 500; the /auth
 * endpoints map it to the same error ({@link Failures#isUnavailable}).
 */
public class DependencyUnavailableException extends WebApplicationException {

    /** The error code, used by Keycloak's error handler as the {@code error} of the response body. */
    public static final String ERROR = "temporarily_unavailable";

    public DependencyUnavailableException(Throwable cause) {
        super(ERROR, cause, Response.Status.SERVICE_UNAVAILABLE);
        // An outage is not a bug: Keycloak's error handler logs every 5xx with its stack trace, once per request,
        // while the outage itself is already logged once (e.g. RedisAvailability's WARN). Without frames that log is
        // the exception and its causes, one line each; the cause chain and messages stay for diagnosis.
        for (Throwable t = cause; t != null && t != t.getCause(); t = t.getCause()) {
            t.setStackTrace(new StackTraceElement[0]);
            for (Throwable suppressed : t.getSuppressed()) {
                suppressed.setStackTrace(new StackTraceElement[0]);
            }
        }
    }

    /** No frames of its own either (see the constructor). */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
