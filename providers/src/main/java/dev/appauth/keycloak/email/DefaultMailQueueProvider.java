package dev.appauth.keycloak.email;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Writes the request's mail intents to the outbox in the request's transaction, and hands their row ids to the
 * workers once it has committed: the table is the durability, the hand-over the low latency.
 */
final class DefaultMailQueueProvider implements MailQueueProvider {

    /** Adds a row in the session's transaction; the outbox table in production. */
    @FunctionalInterface
    interface OutboxWriter {
        String add(String realmId, String kind, String payload, long now, long notBefore);
    }

    private record Queued(String id, long notBefore) {
    }

    private final KeycloakSession session;
    private final MailCodec codec;
    private final MailQueueConfig config;
    private final MailWorkers workers;
    private final OutboxWriter writer;
    private final LongSupplier clock;
    private List<Queued> committed;

    DefaultMailQueueProvider(KeycloakSession session, MailCodec codec, MailQueueConfig config, MailWorkers workers,
                             OutboxWriter writer, LongSupplier clock) {
        this.session = session;
        this.codec = codec;
        this.config = config;
        this.workers = workers;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public void queue(MailTask task) {
        RealmModel realm = session.getContext().getRealm();
        if (realm == null) {
            throw new IllegalStateException("No realm in the session's context");
        }
        String kind = codec.kindOf(task);
        String payload = codec.encode(task);
        long now = clock.getAsLong();
        long notBefore = now + config.dispatchDelay().toMillis();
        String id = writer.add(realm.getId(), kind, payload, now, notBefore);
        if (committed == null) {
            committed = new ArrayList<>();
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    // a full pool leaves the row to the next poll: nothing is lost
                    committed.forEach(q -> workers.submit(q.id(), q.notBefore()));
                    committed.clear();
                }

                @Override
                protected void rollbackImpl() {
                    committed.clear();
                }
            });
        }
        committed.add(new Queued(id, notBefore));
    }
}
