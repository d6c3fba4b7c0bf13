package dev.appauth.keycloak.ratelimit;

import org.keycloak.Config;

/**
 * The server's rate limits: the built-in rules, overridden entry by entry by the option
 * {@code --spi-realm-restapi-extension--auth--rate-limits}. The /auth resource and the login authenticators both read
 * them from here, so a login on /auth and one on Keycloak's login page count under the same rules and in the same
 * buckets.
 */
public final class ServerRateLimits {

    /** Name of the option, in the /auth resource's scope. */
    public static final String OPTION = "rate-limits";

    /**
     * Built-in limits. Per IP they leave room for users behind one NAT; per account they slow down guessing and
     * mail-bombing one address (Keycloak's brute-force detection still locks an account after failed logins).
     */
    public static final String DEFAULTS = String.join(",",
            "register.ip=20/10m", "register.account=5/10m",
            "login.ip=60/1m", "login.account=30/10m",
            "refresh.ip=300/1m",
            "forgot-password.ip=10/10m", "forgot-password.account=3/10m",
            "change-password.ip=20/10m", "change-password.account=10/10m",
            "mfa.account=30/10m",
            "email-change.ip=20/10m", "email-change.account=5/1h",
            "otp.ip=10/10m", "otp.account=3/10m", "otp-verify.ip=30/10m",
            "reset-password.ip=20/10m",
            "verify-email.ip=20/10m",
            "resend-verification.ip=10/10m", "resend-verification.account=3/10m");

    private ServerRateLimits() {
    }

    /** @throws IllegalArgumentException naming the bad entry: a bad value fails the start rather than running unprotected */
    public static RateLimitRules from(Config.Scope authResourceScope) {
        return RateLimitRules.parse(DEFAULTS).with(authResourceScope.get(OPTION));
    }

    /** For a provider configured in another scope (an authenticator): the /auth resource's option. */
    public static RateLimitRules fromServerConfig() {
        return from(Config.scope("realm-restapi-extension", "auth"));
    }
}
