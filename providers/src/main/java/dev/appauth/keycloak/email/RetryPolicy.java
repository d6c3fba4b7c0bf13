package dev.appauth.keycloak.email;

import java.util.function.DoubleSupplier;

/**
 * When a failed mail is tried again, and when it is given up: exponential backoff from the initial wait, doubling
 * per attempt up to the longest wait, each wait drawn between half and all of that ("equal jitter"), so that the
 * mails of one SMTP outage do not all come back in the same second; given up after the last attempt, or when the
 * next one would start after the mail's maximum age.
 */
final class RetryPolicy {

    private final MailQueueConfig config;
    private final DoubleSupplier random;

    RetryPolicy(MailQueueConfig config, DoubleSupplier random) {
        this.config = config;
        this.random = random;
    }

    /** Wait after failed attempt number {@code attempt} (1-based), in millis. */
    long backoffMillis(int attempt) {
        long initial = config.retryInitial().toMillis();
        long max = config.retryMax().toMillis();
        int doublings = Math.min(Math.max(attempt - 1, 0), 40);
        long full = initial > (max >> doublings) ? max : Math.min(max, initial << doublings);
        long half = full / 2;
        return half + (long) (random.getAsDouble() * (full - half));
    }

    /** Epoch millis of the next attempt after failed attempt {@code attempt}, or -1 when the mail is to be given up. */
    long nextAttemptAt(int attempt, long createdAt, long now) {
        if (attempt >= config.maxAttempts()) {
            return -1;
        }
        long next = now + backoffMillis(attempt);
        return next - createdAt > config.maxAge().toMillis() ? -1 : next;
    }

    /** A claimed attempt that may not run: beyond the attempts (its node died during the last one) or too old. */
    boolean exhausted(int attempt, long createdAt, long now) {
        return attempt > config.maxAttempts() || now - createdAt > config.maxAge().toMillis();
    }

    int maxAttempts() {
        return config.maxAttempts();
    }
}
