package dev.appauth.keycloak.email;

import org.keycloak.Config;

/**
 * Options of the mail queue, read once from {@code --spi-app-auth-mail--default--<option>}.
 *
 * @param threads       worker threads; each holds one SMTP conversation at a time
 * @param queueCapacity mails waiting for a worker; beyond it new mails are dropped and counted
 */
record MailQueueConfig(int threads, int queueCapacity) {

    static final String THREADS = "threads";
    static final String QUEUE_CAPACITY = "queue-capacity";
    static final int DEFAULT_THREADS = 2;
    static final int DEFAULT_QUEUE_CAPACITY = 1000;

    MailQueueConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("Mail option '" + THREADS + "' must be at least 1");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("Mail option '" + QUEUE_CAPACITY + "' must be at least 1");
        }
    }

    static MailQueueConfig from(Config.Scope scope) {
        return new MailQueueConfig(scope.getInt(THREADS, DEFAULT_THREADS), scope.getInt(QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY));
    }
}
