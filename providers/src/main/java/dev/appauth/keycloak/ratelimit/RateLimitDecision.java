package dev.appauth.keycloak.ratelimit;

/**
 * The answer of a {@link RateLimitProvider}.
 *
 * @param retryAfterSeconds when denied, whole seconds until a new attempt can succeed (at least 1, for the
 *                          {@code Retry-After} header); 0 when allowed
 */
public record RateLimitDecision(boolean allowed, long retryAfterSeconds) {

    private static final RateLimitDecision ALLOWED = new RateLimitDecision(true, 0);

    public static RateLimitDecision allow() {
        return ALLOWED;
    }

    /** Denied for {@code remainingMillis}, rounded up to whole seconds. */
    public static RateLimitDecision denyFor(long remainingMillis) {
        return new RateLimitDecision(false, Math.max(1, (remainingMillis + 999) / 1000));
    }
}
