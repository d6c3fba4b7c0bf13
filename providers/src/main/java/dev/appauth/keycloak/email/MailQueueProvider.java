package dev.appauth.keycloak.email;

import org.keycloak.provider.Provider;

/**
 * A durable mail outbox: an intent queued during a request is written to the outbox table in the request's own
 * transaction (so an accepted request ⇔ a stored intent, and a rolled-back request sends nothing), then sent off the
 * request path as soon as the transaction has committed, on a small bounded pool of worker threads. A mail that
 * could not go out — SMTP down, node stopped or crashed — is retried with backoff by any node of the cluster until it
 * is sent or given up. The caller never waits for SMTP; counts are in the admin console (Provider info,
 * {@code app-auth-mail}), the log and the metrics.
 */
public interface MailQueueProvider extends Provider {

    /**
     * Stores the intent in the current transaction; it is sent after the transaction commits.
     *
     * @param task a record of a kind a {@link MailKinds} registers
     */
    void queue(MailTask task);

    @Override
    default void close() {
    }
}
