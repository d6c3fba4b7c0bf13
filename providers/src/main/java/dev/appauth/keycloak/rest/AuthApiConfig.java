package dev.appauth.keycloak.rest;

import org.keycloak.Config;

/**
 * Server-wide options of the /auth resource, read once from
 * {@code --spi-realm-restapi-extension--auth--<option>}.
 *
 * @param defaultClientId client whose tokens the API issues when a request names none
 * @param maxBodyBytes    largest accepted request body
 */
record AuthApiConfig(String defaultClientId, int maxBodyBytes) {

    static final String DEFAULT_CLIENT_ID = "auth-api";
    static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

    /** Client attribute an admin sets to "true" to let a first-party app name its client with client_id. */
    static final String ALLOWED_CLIENT_ATTRIBUTE = "auth-api.allowed";

    static AuthApiConfig from(Config.Scope scope) {
        return new AuthApiConfig(
                scope.get("default-client-id", DEFAULT_CLIENT_ID),
                scope.getInt("max-body-bytes", DEFAULT_MAX_BODY_BYTES));
    }
}
