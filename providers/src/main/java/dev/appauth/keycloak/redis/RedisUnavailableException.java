package dev.appauth.keycloak.redis;

import dev.appauth.keycloak.DependencyUnavailableException;

/**
 * Redis could not answer. Thrown instead of any "absent" or "not found" answer, so that a caller never treats an
 * outage as permission to use a token again, and answered as 503 {@code temporarily_unavailable}.
 */
public class RedisUnavailableException extends DependencyUnavailableException {

    public RedisUnavailableException(Throwable cause) {
        super(cause);
    }
}
