package dev.appauth.keycloak.rest;

import java.time.Duration;

import org.keycloak.Config;

import dev.appauth.keycloak.ratelimit.RateLimitRules;

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

    /**
     * Built-in limits; the rate-limits option and each realm's auth-api.rate-limits attribute
     * override them entry by entry. Per IP they leave room for users behind one NAT; per account
     * they slow down guessing and mail-bombing one address (Keycloak's brute-force detection
     * still locks an account after failed logins).
     */
    static final String DEFAULT_RATE_LIMITS = String.join(",",
            "register.ip=20/10m", "register.account=5/10m",
            "login.ip=60/1m", "login.account=30/10m",
            "refresh.ip=300/1m",
            "forgot-password.ip=10/10m", "forgot-password.account=3/10m",
            "change-password.ip=20/10m", "change-password.account=10/10m",
            "reset-password.ip=20/10m",
            "verify-email.ip=20/10m",
            "resend-verification.ip=10/10m", "resend-verification.account=3/10m");

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
                // a bad value fails the server start with the entry named, rather than running unprotected
                RateLimitRules.parse(DEFAULT_RATE_LIMITS).with(scope.get("rate-limits")),
                Duration.ofSeconds(scope.getInt(RESEND_COOLDOWN_SECONDS, DEFAULT_RESEND_COOLDOWN_SECONDS)));
    }
}
