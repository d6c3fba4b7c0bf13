package dev.appauth.keycloak.rest;

import java.time.Duration;

import org.keycloak.Config;

import dev.appauth.keycloak.ratelimit.RateLimitRules;
import dev.appauth.keycloak.ratelimit.ServerRateLimits;

/**
 * Server-wide options of the /auth resource, read once from
 * {@code --spi-realm-restapi-extension--auth--<option>}.
 *
 * @param defaultClientId client whose tokens the API issues when a request names none
 * @param maxBodyBytes    largest accepted request body
 * @param rateLimits      the server's rate limits (a realm may override them)
 * @param resendCooldown  least time between two verification mails that resend-verification sends to one address
 */
record AuthApiConfig(String defaultClientId, int maxBodyBytes, RateLimitRules rateLimits, Duration resendCooldown) {

    static final String DEFAULT_CLIENT_ID = "auth-api";
    static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
    static final String RESEND_COOLDOWN_SECONDS = "resend-cooldown-seconds";
    static final int DEFAULT_RESEND_COOLDOWN_SECONDS = 60;

    AuthApiConfig {
        if (resendCooldown.isNegative() || resendCooldown.isZero()) {
            throw new IllegalArgumentException("Option '" + RESEND_COOLDOWN_SECONDS + "' must be at least 1");
        }
    }

    static AuthApiConfig from(Config.Scope scope) {
        return new AuthApiConfig(
                scope.get("default-client-id", DEFAULT_CLIENT_ID),
                scope.getInt("max-body-bytes", DEFAULT_MAX_BODY_BYTES),
                ServerRateLimits.from(scope),
                Duration.ofSeconds(scope.getInt(RESEND_COOLDOWN_SECONDS, DEFAULT_RESEND_COOLDOWN_SECONDS)));
    }
}
