package dev.appauth.keycloak.ratelimit;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the rate-limit providers. */
final class RateLimits {

    private RateLimits() {
    }

    /** @return the window in milliseconds */
    static long checkArguments(String key, int limit, Duration window) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        long millis = window.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("window must be at least 1 ms");
        }
        return millis;
    }
}
