package dev.appauth.keycloak.ratelimit;

import java.time.Duration;

import org.keycloak.provider.Provider;

/**
 * Counts attempts per bucket in fixed windows: the first hit on a bucket opens a window of the given length, and
 * at most {@code limit} hits are allowed until it ends. Buckets are plain strings chosen by the caller, e.g.
 * {@code login:ip:203.0.113.9} or {@code login:account:<user id>}.
 */
public interface RateLimitProvider extends Provider {

    /**
     * Counts one attempt.
     *
     * @return allowed while the window holds at most {@code limit} hits; otherwise denied with the seconds until
     *         the window ends
     * @throws dev.appauth.keycloak.DependencyUnavailableException if the store is down and the provider is
     *         configured to fail closed
     */
    RateLimitDecision hit(String bucketKey, int limit, Duration window);

    /**
     * Lets an action happen at most once per {@code period} per key, e.g. resending a verification mail: the first
     * call acquires the key for the period, later calls in the period are denied with the seconds remaining.
     */
    RateLimitDecision cooldown(String key, Duration period);

    @Override
    default void close() {
    }
}
