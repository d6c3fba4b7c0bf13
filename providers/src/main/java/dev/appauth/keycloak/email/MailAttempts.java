package dev.appauth.keycloak.email;

import java.util.function.LongSupplier;

import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.appauth.keycloak.Failures;

/**
 * One attempt at one outbox row, each step in a Keycloak session and transaction of its own: claim the row (counts the
 * attempt, starts its lease), carry the intent out and delete the row in one transaction, or record the failure with
 * the next attempt time; after the last attempt give the mail up. Log lines name the kind, the row id, the attempt and
 * exception types only — never an address, a token or a stack trace.
 */
final class MailAttempts {

    private static final Logger LOG = Logger.getLogger(MailAttempts.class);

    /** What an attempt needs of its row, read in the claiming transaction. */
    private record Claimed(String id, String realmId, String kind, String payload, int attempt, long createdAt, String lastError) {
    }

    private final KeycloakSessionFactory factory;
    private final MailCodec codec;
    private final RetryPolicy retry;
    private final MailQueueConfig config;
    private final MailStats stats;
    private final SmtpLogFilter smtpLog;
    private final LongSupplier clock;

    MailAttempts(KeycloakSessionFactory factory, MailCodec codec, MailQueueConfig config, RetryPolicy retry, MailStats stats,
                 SmtpLogFilter smtpLog, LongSupplier clock) {
        this.factory = factory;
        this.codec = codec;
        this.config = config;
        this.retry = retry;
        this.stats = stats;
        this.smtpLog = smtpLog;
        this.clock = clock;
    }

    /** Attempts the row if it is still due and no other node or thread took it first. */
    void attempt(String id) {
        long now = clock.getAsLong();
        Claimed row = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            OutboxMailEntity r = new MailOutbox(session).claim(id, now, now + config.lease().toMillis());
            return r == null ? null : new Claimed(r.getId(), r.getRealmId(), r.getKind(), r.getPayload(), r.getAttempts(),
                    r.getCreatedAt(), r.getLastError());
        });
        if (row == null) {
            return;
        }
        if (retry.exhausted(row.attempt(), row.createdAt(), now)) {
            // its node stopped during the last attempt, or it waited in the outbox past its age (e.g. a long outage)
            giveUp(row, row.lastError() != null ? row.lastError() : "no attempt finished", now);
            return;
        }
        try {
            (send(row) ? stats.sent : stats.skipped).increment();
        } catch (Exception e) {
            failed(row, e);
        }
    }

    private boolean send(Claimed row) throws Exception {
        MailTask task = codec.decode(row.kind(), row.payload());
        try {
            return smtpLog.during(() -> KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
                boolean sent = false;
                RealmModel realm = session.realms().getRealm(row.realmId());
                if (realm != null) { // else the realm was deleted meanwhile: nothing to send
                    session.getContext().setRealm(realm);
                    try {
                        sent = task.send(session, realm);
                    } catch (EmailException e) {
                        throw new MailNotSentException(e);
                    }
                }
                // in the sending transaction: the row goes exactly when the intent's events and tokens are committed
                new MailOutbox(session).delete(row.id());
                return sent;
            }));
        } catch (MailNotSentException e) {
            throw (EmailException) e.getCause();
        }
    }

    private void failed(Claimed row, Exception e) {
        stats.failedAttempts.increment();
        long now = clock.getAsLong();
        String error = Failures.describe(e);
        long next = retry.nextAttemptAt(row.attempt(), row.createdAt(), now);
        if (next < 0) {
            giveUp(row, error, now);
            return;
        }
        LOG.warnf("Mail attempt failed: kind=%s id=%s attempt=%d of %d, next attempt in %d s: %s%s", row.kind(), row.id(),
                row.attempt(), retry.maxAttempts(), Math.max(1, (next - now) / 1000), error, shortCause(e));
        LOG.debugf(e, "Mail attempt failed: kind=%s id=%s", row.kind(), row.id());
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> new MailOutbox(session).retryAt(row.id(), next, error));
        } catch (RuntimeException dbDown) {
            // the claim's lease runs out and any node tries again: nothing is lost
            LOG.warnf("Could not record the failed attempt of mail %s (retried when its lease ends): %s", row.id(),
                    Failures.describe(dbDown));
        }
    }

    private void giveUp(Claimed row, String error, long now) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> new MailOutbox(session).giveUp(row.id(), now, error));
        } catch (RuntimeException dbDown) {
            LOG.warnf("Could not record giving up mail %s (decided again when its lease ends): %s", row.id(),
                    Failures.describe(dbDown));
            return;
        }
        stats.givenUp.increment();
        LOG.errorf("Mail given up: kind=%s id=%s after %d attempts, last error: %s. The row stays in APP_AUTH_MAIL_OUTBOX"
                + " (GAVE_UP_AT set) for %d days; see README, Operations, to send it again", row.kind(), row.id(),
                row.attempt(), error, config.failedRetention().toDays());
    }

    /**
     * The innermost cause's message, e.g. "Connection refused" or "Read timed out", when it is short and plainly not
     * data: no '@' (an address), only word characters and punctuation, at most 60 characters.
     */
    static String shortCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.length() > 60 || message.contains("@") || !message.matches("[\\w .,:;()'-]+")) {
            return "";
        }
        return " (" + message + ")";
    }

    /** Carries a failed send out of the session task, whose interface allows no checked exceptions. */
    private static final class MailNotSentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MailNotSentException(EmailException cause) {
            super("mail not sent", cause);
        }
    }
}
