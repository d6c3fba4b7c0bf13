package dev.appauth.keycloak.email;

import java.time.Duration;

import org.keycloak.Config;

/**
 * Options of the mail queue, read once from {@code --spi-app-auth-mail--default--<option>}.
 *
 * @param threads         worker threads; each holds one SMTP conversation at a time
 * @param queueCapacity   mails waiting for a worker on this node; beyond it a mail waits in the outbox for the next poll
 * @param dispatchDelay   how long a mail waits after its request committed before a worker starts on it: the
 *                        response is out by then, so the work of a mail (looking the account up, rendering,
 *                        SMTP) never competes with the response that triggered it, and the response time of a
 *                        request does not depend on whether it produced a mail
 * @param maxAttempts     attempts per mail before it is given up
 * @param retryInitial    wait before the second attempt; each further wait doubles, up to {@code retryMax}, with jitter
 * @param retryMax        longest wait between two attempts
 * @param maxAge          a mail still unsent this long after its request is given up
 * @param pollInterval    how often each node looks for due mails (retries, and mails left by a stopped or crashed node)
 * @param lease           how long a claimed attempt hides its row from other nodes; longer than the realm's SMTP
 *                        timeouts, or a hanging attempt may be repeated by another node
 * @param failedRetention how long given-up rows stay in the outbox for the operator
 */
record MailQueueConfig(int threads, int queueCapacity, Duration dispatchDelay, int maxAttempts, Duration retryInitial,
                       Duration retryMax, Duration maxAge, Duration pollInterval, Duration lease, Duration failedRetention) {

    static final String THREADS = "threads";
    static final String QUEUE_CAPACITY = "queue-capacity";
    static final String DISPATCH_DELAY_MILLIS = "dispatch-delay-millis";
    static final String MAX_ATTEMPTS = "max-attempts";
    static final String RETRY_INITIAL_SECONDS = "retry-initial-seconds";
    static final String RETRY_MAX_SECONDS = "retry-max-seconds";
    static final String MAX_AGE_MINUTES = "max-age-minutes";
    static final String POLL_INTERVAL_SECONDS = "poll-interval-seconds";
    static final String LEASE_SECONDS = "lease-seconds";
    static final String FAILED_RETENTION_DAYS = "failed-retention-days";

    static final int DEFAULT_THREADS = 2;
    static final int DEFAULT_QUEUE_CAPACITY = 1000;
    static final int DEFAULT_DISPATCH_DELAY_MILLIS = 100;
    static final int DEFAULT_MAX_ATTEMPTS = 10;
    static final int DEFAULT_RETRY_INITIAL_SECONDS = 30;
    static final int DEFAULT_RETRY_MAX_SECONDS = 1800;
    static final int DEFAULT_MAX_AGE_MINUTES = 1440;
    static final int DEFAULT_POLL_INTERVAL_SECONDS = 5;
    static final int DEFAULT_LEASE_SECONDS = 120;
    static final int DEFAULT_FAILED_RETENTION_DAYS = 7;

    MailQueueConfig {
        atLeast(THREADS, threads, 1);
        atLeast(QUEUE_CAPACITY, queueCapacity, 1);
        atLeast(MAX_ATTEMPTS, maxAttempts, 1);
        if (dispatchDelay.isNegative()) {
            throw new IllegalArgumentException("Mail option '" + DISPATCH_DELAY_MILLIS + "' must not be negative");
        }
        positive(RETRY_INITIAL_SECONDS, retryInitial);
        positive(MAX_AGE_MINUTES, maxAge);
        positive(POLL_INTERVAL_SECONDS, pollInterval);
        positive(LEASE_SECONDS, lease);
        positive(FAILED_RETENTION_DAYS, failedRetention);
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("Mail option '" + RETRY_MAX_SECONDS + "' must not be below '" + RETRY_INITIAL_SECONDS + "'");
        }
    }

    /** The defaults, with the given pool sizes (tests). */
    static MailQueueConfig of(int threads, int queueCapacity, Duration dispatchDelay) {
        return new MailQueueConfig(threads, queueCapacity, dispatchDelay, DEFAULT_MAX_ATTEMPTS,
                Duration.ofSeconds(DEFAULT_RETRY_INITIAL_SECONDS), Duration.ofSeconds(DEFAULT_RETRY_MAX_SECONDS),
                Duration.ofMinutes(DEFAULT_MAX_AGE_MINUTES), Duration.ofSeconds(DEFAULT_POLL_INTERVAL_SECONDS),
                Duration.ofSeconds(DEFAULT_LEASE_SECONDS), Duration.ofDays(DEFAULT_FAILED_RETENTION_DAYS));
    }

    static MailQueueConfig from(Config.Scope scope) {
        return new MailQueueConfig(scope.getInt(THREADS, DEFAULT_THREADS), scope.getInt(QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY),
                Duration.ofMillis(scope.getInt(DISPATCH_DELAY_MILLIS, DEFAULT_DISPATCH_DELAY_MILLIS)),
                scope.getInt(MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS),
                Duration.ofSeconds(scope.getInt(RETRY_INITIAL_SECONDS, DEFAULT_RETRY_INITIAL_SECONDS)),
                Duration.ofSeconds(scope.getInt(RETRY_MAX_SECONDS, DEFAULT_RETRY_MAX_SECONDS)),
                Duration.ofMinutes(scope.getInt(MAX_AGE_MINUTES, DEFAULT_MAX_AGE_MINUTES)),
                Duration.ofSeconds(scope.getInt(POLL_INTERVAL_SECONDS, DEFAULT_POLL_INTERVAL_SECONDS)),
                Duration.ofSeconds(scope.getInt(LEASE_SECONDS, DEFAULT_LEASE_SECONDS)),
                Duration.ofDays(scope.getInt(FAILED_RETENTION_DAYS, DEFAULT_FAILED_RETENTION_DAYS)));
    }

    private static void atLeast(String option, int value, int least) {
        if (value < least) {
            throw new IllegalArgumentException("Mail option '" + option + "' must be at least " + least);
        }
    }

    private static void positive(String option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("Mail option '" + option + "' must be positive");
        }
    }
}
