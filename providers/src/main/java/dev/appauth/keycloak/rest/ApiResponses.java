package dev.appauth.keycloak.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.RealmModel;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

/** The API's response shapes: JSON bodies that are never cached, and the one mapping of domain errors to HTTP. */
final class ApiResponses {

    private ApiResponses() {
    }

    static Response json(Response.Status status, Object entity) {
        try {
            return Response.status(status)
                    .type(MediaType.APPLICATION_JSON_TYPE.withCharset("utf-8"))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .header("Pragma", "no-cache")
                    .entity(JsonRequest.mapper().writeValueAsString(entity))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Response could not be serialised", e);
        }
    }

    static Response message(Response.Status status, String message) {
        return json(status, Map.of("message", message));
    }

    /** {@code {"error", "error_description", "field_errors"?}} with the status and headers the error calls for. */
    static Response error(AuthException e, RealmModel realm) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error().code());
        body.put("error_description", e.getMessage());
        if (!e.fieldErrors().isEmpty()) {
            body.put("field_errors", e.fieldErrors());
        }
        body.putAll(e.details());
        Response response = json(status(e.error()), body);
        switch (e.error()) {
            case INVALID_ACCESS_TOKEN -> response.getHeaders().putSingle(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            case CLIENT_AUTHENTICATION_FAILED ->
                    response.getHeaders().putSingle(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + (realm == null ? "" : realm.getName()) + "\"");
            default -> { }
        }
        if (e.retryAfterSeconds() > 0) {
            response.getHeaders().putSingle(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return response;
    }

    static Response.Status status(AuthError error) {
        return switch (error) {
            case INVALID_REQUEST, WEAK_PASSWORD, INVALID_CLIENT, UNAUTHORIZED_CLIENT, INVALID_LINK -> Response.Status.BAD_REQUEST;
            case CLIENT_AUTHENTICATION_FAILED, INVALID_CREDENTIALS, INVALID_GRANT, INVALID_ACCESS_TOKEN, MFA_REQUIRED, INVALID_MFA_CODE ->
                    Response.Status.UNAUTHORIZED;
            case EMAIL_NOT_VERIFIED, ACCOUNT_SETUP_REQUIRED, INVALID_ORIGIN, HTTPS_REQUIRED, REALM_DISABLED, CLIENT_POLICY_REFUSED,
                 REAUTHENTICATION_REQUIRED ->
                    Response.Status.FORBIDDEN;
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case METHOD_NOT_ALLOWED -> Response.Status.METHOD_NOT_ALLOWED;
            case EMAIL_TAKEN, USERNAME_TAKEN, CONFLICT, MFA_NOT_ENROLLED -> Response.Status.CONFLICT;
            case REQUEST_TOO_LARGE -> Response.Status.REQUEST_ENTITY_TOO_LARGE;
            case UNSUPPORTED_MEDIA_TYPE -> Response.Status.UNSUPPORTED_MEDIA_TYPE;
            case RATE_LIMITED -> Response.Status.TOO_MANY_REQUESTS;
            case TEMPORARILY_UNAVAILABLE -> Response.Status.SERVICE_UNAVAILABLE;
            case SERVER_ERROR -> Response.Status.INTERNAL_SERVER_ERROR;
        };
    }
}
