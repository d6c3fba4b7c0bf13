package dev.appauth.keycloak;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request the API refuses, in domain terms: one {@link AuthError}, a human description and, where fields
 * are at fault, their messages by the API's field names. Thrown anywhere below an endpoint; the REST layer
 * alone turns it into a status and the API's error body. Carries no stack trace: it is an answer, not a bug.
 */
public class AuthException extends RuntimeException {

    private final AuthError error;
    private final Map<String, List<String>> fieldErrors;
    private final Map<String, Object> details = new LinkedHashMap<>();
    private long retryAfterSeconds;
    private boolean rollback;

    public AuthException(AuthError error, String description) {
        this(error, description, Map.of());
    }

    public AuthException(AuthError error, String description, Map<String, List<String>> fieldErrors) {
        super(description, null, false, false);
        this.error = error;
        this.fieldErrors = Collections.unmodifiableMap(new LinkedHashMap<>(fieldErrors));
    }

    public static AuthException invalidRequest(String description) {
        return new AuthException(AuthError.INVALID_REQUEST, description);
    }

    public static AuthException invalidRequest(String description, Map<String, List<String>> fieldErrors) {
        return new AuthException(AuthError.INVALID_REQUEST, description, fieldErrors);
    }

    public static AuthException invalidCredentials() {
        return new AuthException(AuthError.INVALID_CREDENTIALS, "Invalid email or password");
    }

    public static AuthException invalidGrant() {
        return new AuthException(AuthError.INVALID_GRANT, "Invalid or expired refresh token");
    }

    public static AuthException invalidAccessToken() {
        return new AuthException(AuthError.INVALID_ACCESS_TOKEN, "Missing, invalid or expired access token");
    }

    public static AuthException invalidLink() {
        return new AuthException(AuthError.INVALID_LINK, "The link is invalid, has expired or was already used");
    }

    public static AuthException invalidClient() {
        return new AuthException(AuthError.INVALID_CLIENT, "Unknown client, or client not allowed to use this API");
    }

    public static AuthException rateLimited(long retryAfterSeconds) {
        return new AuthException(AuthError.RATE_LIMITED, "Too many requests; try again in " + retryAfterSeconds + " seconds")
                .retryAfter(retryAfterSeconds);
    }

    /** A dependency (database, Redis) is down: nothing was issued or recorded, the caller may retry. */
    public static AuthException unavailable() {
        return new AuthException(AuthError.TEMPORARILY_UNAVAILABLE, "The service is temporarily unavailable, try again later")
                .retryAfter(5)
                .rollingBack();
    }

    /** Whatever the request changed so far must not be committed (e.g. a user created before a refused password). */
    public AuthException rollingBack() {
        rollback = true;
        return this;
    }

    public AuthException retryAfter(long seconds) {
        retryAfterSeconds = seconds;
        return this;
    }

    /** An extra top-level field of the error body (e.g. the mfa_token of mfa_required); never a secret of the server. */
    public AuthException withDetail(String field, Object value) {
        details.put(field, value);
        return this;
    }

    public Map<String, Object> details() {
        return Collections.unmodifiableMap(details);
    }

    public boolean rollsBack() {
        return rollback;
    }

    /** Seconds after which a retry may succeed, or 0 when waiting does not help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public AuthError error() {
        return error;
    }

    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }
}
