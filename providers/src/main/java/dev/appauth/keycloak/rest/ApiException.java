package dev.appauth.keycloak.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

/**
 * An error the API reports to the caller in its one error shape
 * ({@code error}, {@code error_description}, optional {@code field_errors}).
 * Thrown anywhere below an endpoint and turned into a response in one place ({@link AuthResource}).
 */
public class ApiException extends RuntimeException {

    private final Response.Status status;
    private final String error;
    private final Map<String, List<String>> fieldErrors;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean rollback;

    public ApiException(Response.Status status, String error, String description) {
        this(status, error, description, Map.of());
    }

    public ApiException(Response.Status status, String error, String description, Map<String, List<String>> fieldErrors) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.fieldErrors = fieldErrors;
    }

    public static ApiException invalidRequest(String description) {
        return new ApiException(Response.Status.BAD_REQUEST, "invalid_request", description);
    }

    public static ApiException invalidRequest(String description, Map<String, List<String>> fieldErrors) {
        return new ApiException(Response.Status.BAD_REQUEST, "invalid_request", description, fieldErrors);
    }

    public static ApiException invalidCredentials() {
        return new ApiException(Response.Status.UNAUTHORIZED, "invalid_credentials", "Invalid email or password");
    }

    public static ApiException invalidGrant() {
        return new ApiException(Response.Status.UNAUTHORIZED, "invalid_grant", "Invalid or expired refresh token");
    }

    public static ApiException invalidToken() {
        return new ApiException(Response.Status.UNAUTHORIZED, "invalid_token", "Missing, invalid or expired access token")
                .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    public static ApiException unavailable() {
        return new ApiException(Response.Status.SERVICE_UNAVAILABLE, "temporarily_unavailable",
                "The service is temporarily unavailable, try again later")
                .withHeader("Retry-After", "5")
                .rollingBack();
    }

    /** Whatever the request changed so far must not be committed (e.g. a token was issued but could not be recorded). */
    public ApiException rollingBack() {
        rollback = true;
        return this;
    }

    public boolean rollsBack() {
        return rollback;
    }

    public ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Response.Status getStatus() {
        return status;
    }

    public String getError() {
        return error;
    }

    public Map<String, List<String>> getFieldErrors() {
        return fieldErrors;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }
}
