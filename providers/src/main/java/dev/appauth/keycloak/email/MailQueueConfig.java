package dev.appauth.keycloak.email;

import java.time.Duration;

import org.keycloak.Config;

/**
 * Options of the mail queue, read once from {@code --spi-app-auth-mail--default--<option>}.
 *
 * @param threads       worker threads; each holds one SMTP conversation at a time
 * @param queueCapacity mails waiting for a worker; beyond it new mails are dropped and counted
 * @param dispatchDelay how long a mail waits after its request committed before a worker starts on it: the
 *                      response is out by then, so the work of a mail (looking the account up, rendering,
 *                      SMTP) never competes with the response that triggered it, and the response time of a
 *                      request does not depend on whether it produced a mail
 */
record MailQueueConfig(int threads, int queueCapacity, Duration dispatchDelay) {

    static final String THREADS = "threads";
    static final String QUEUE_CAPACITY = "queue-capacity";
    static final int DEFAULT_THREADS = 2;
    static final int DEFAULT_QUEUE_CAPACITY = 1000;
    static final String DISPATCH_DELAY_MILLIS = "dispatch-delay-millis";
    static final int DEFAULT_DISPATCH_DELAY_MILLIS = 100;

    MailQueueConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("Mail option '" + THREADS + "' must be at least 1");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("Mail option '" + QUEUE_CAPACITY + "' must be at least 1");
        }
        if (dispatchDelay.isNegative()) {
            throw new IllegalArgumentException("Mail option '" + DISPATCH_DELAY_MILLIS + "' must not be negative");
        }
    }

    static MailQueueConfig from(Config.Scope scope) {
        return new MailQueueConfig(scope.getInt(THREADS, DEFAULT_THREADS), scope.getInt(QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY),
                Duration.ofMillis(scope.getInt(DISPATCH_DELAY_MILLIS, DEFAULT_DISPATCH_DELAY_MILLIS)));
    }
}
