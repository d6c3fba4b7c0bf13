package dev.appauth.keycloak.email;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** Collects the mails of one request and hands them to the workers when its transaction commits. */
final class DefaultMailQueueProvider implements MailQueueProvider {

    private record Pending(String kind, String realmId, MailTask task) {
    }

    private final KeycloakSession session;
    private final MailWorkers workers;
    private List<Pending> pending;

    DefaultMailQueueProvider(KeycloakSession session, MailWorkers workers) {
        this.session = session;
        this.workers = workers;
    }

    @Override
    public void sendAfterCommit(String kind, MailTask task) {
        RealmModel realm = session.getContext().getRealm();
        if (realm == null) {
            throw new IllegalStateException("No realm in the session's context");
        }
        if (pending == null) {
            pending = new ArrayList<>();
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    pending.forEach(p -> workers.submit(p.kind(), p.realmId(), p.task()));
                    pending.clear();
                }

                @Override
                protected void rollbackImpl() {
                    pending.clear();
                }
            });
        }
        pending.add(new Pending(kind, realm.getId(), task));
    }
}
