package dev.appauth.keycloak.email;

import java.util.List;
import java.util.UUID;

import jakarta.persistence.EntityManager;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The outbox table through the session's entity manager, so every change joins the session's transaction. Claims
 * are conditional UPDATEs: the database's row lock lets exactly one node (or thread) move a due row's
 * {@code NEXT_ATTEMPT_AT} to the end of its lease, the others update nothing. No lock is held while SMTP talks.
 */
final class MailOutbox {

    private static final String ENTITY = "AppAuthOutboxMail";

    private final EntityManager em;

    MailOutbox(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** Adds an intent in the caller's transaction; returns the row id. */
    String add(String realmId, String kind, String payload, long now, long notBefore) {
        String id = UUID.randomUUID().toString();
        em.persist(new OutboxMailEntity(id, realmId, kind, payload, now, notBefore));
        return id;
    }

    /**
     * Takes a due row for one attempt: counts the attempt and hides the row from other claimers until
     * {@code leaseUntil}. Null when the row is gone, given up, not due yet, or another claimer was first.
     */
    OutboxMailEntity claim(String id, long now, long leaseUntil) {
        int updated = em.createQuery("update " + ENTITY + " m set m.nextAttemptAt = :lease, m.attempts = m.attempts + 1"
                        + " where m.id = :id and m.gaveUpAt is null and m.nextAttemptAt <= :now")
                .setParameter("lease", leaseUntil).setParameter("id", id).setParameter("now", now)
                .executeUpdate();
        if (updated == 0) {
            return null;
        }
        return em.createQuery("select m from " + ENTITY + " m where m.id = :id", OutboxMailEntity.class)
                .setParameter("id", id).getResultStream().findFirst().orElse(null);
    }

    void delete(String id) {
        em.createQuery("delete from " + ENTITY + " m where m.id = :id").setParameter("id", id).executeUpdate();
    }

    void retryAt(String id, long at, String error) {
        em.createQuery("update " + ENTITY + " m set m.nextAttemptAt = :at, m.lastError = :error where m.id = :id")
                .setParameter("at", at).setParameter("error", truncate(error)).setParameter("id", id).executeUpdate();
    }

    void giveUp(String id, long now, String error) {
        em.createQuery("update " + ENTITY + " m set m.gaveUpAt = :now, m.lastError = :error where m.id = :id")
                .setParameter("now", now).setParameter("error", truncate(error)).setParameter("id", id).executeUpdate();
    }

    /** Ids of rows due now, oldest due first. */
    List<String> due(long now, int limit) {
        return em.createQuery("select m.id from " + ENTITY + " m where m.gaveUpAt is null and m.nextAttemptAt <= :now"
                        + " order by m.nextAttemptAt", String.class)
                .setParameter("now", now).setMaxResults(limit).getResultList();
    }

    /** Rows still to be sent, across the cluster. */
    long pending() {
        return em.createQuery("select count(m) from " + ENTITY + " m where m.gaveUpAt is null", Long.class).getSingleResult();
    }

    /** Rows still to be sent that failed at least once (or whose node stopped during an attempt). */
    long retrying() {
        return em.createQuery("select count(m) from " + ENTITY + " m where m.gaveUpAt is null and m.attempts > 0", Long.class)
                .getSingleResult();
    }

    /** Rows given up and kept for the operator. */
    long failed() {
        return em.createQuery("select count(m) from " + ENTITY + " m where m.gaveUpAt is not null", Long.class).getSingleResult();
    }

    int purgeGivenUpBefore(long cutoff) {
        return em.createQuery("delete from " + ENTITY + " m where m.gaveUpAt is not null and m.gaveUpAt < :cutoff")
                .setParameter("cutoff", cutoff).executeUpdate();
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 255 ? error : error.substring(0, 255);
    }
}
