package dev.appauth.keycloak.email;

import org.keycloak.provider.Provider;

/**
 * Sends mail off the request path: tasks handed over during a request run only once the request's transaction
 * has committed (a rolled-back request sends nothing), on a small bounded pool of worker threads. The caller
 * never waits for SMTP; failures are logged and counted (admin console: Provider info, {@code app-auth-mail}).
 */
public interface MailQueueProvider extends Provider {

    /**
     * @param kind a short name for logs and counters, e.g. {@code password-reset}
     */
    void sendAfterCommit(String kind, MailTask task);

    @Override
    default void close() {
    }
}
