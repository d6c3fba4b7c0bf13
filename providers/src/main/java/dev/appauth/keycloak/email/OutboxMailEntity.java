package dev.appauth.keycloak.email;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One mail intent in the outbox (table {@code APP_AUTH_MAIL_OUTBOX}, created by {@code app-auth-mail-outbox-changelog.xml}).
 * It holds what the intent needs to be carried out later — ids and strings, never a token or a rendered link, which
 * are made at send time — plus the bookkeeping of its attempts. A row is deleted once its mail went out (or there
 * was nothing to send); a row that ran out of attempts stays, with {@code GAVE_UP_AT} set, for the operator.
 */
@Entity(name = "AppAuthOutboxMail")
@Table(name = "APP_AUTH_MAIL_OUTBOX")
public class OutboxMailEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The intent's type, one of the kinds a {@link MailKinds} registers. */
    @Column(name = "KIND", length = 64, nullable = false)
    private String kind;

    /** The intent's fields as JSON. */
    @Column(name = "PAYLOAD", length = 4000, nullable = false)
    private String payload;

    /** Attempts started; counted when an attempt claims the row, so a mail that kills its node cannot loop. */
    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    /** Epoch millis when the row may be claimed next: the retry time, or the end of a running attempt's lease. */
    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    private long nextAttemptAt;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    /** Exception types of the last failed attempt, never a message (messages may hold an address). */
    @Column(name = "LAST_ERROR", length = 255)
    private String lastError;

    @Column(name = "GAVE_UP_AT")
    private Long gaveUpAt;

    public OutboxMailEntity() {
    }

    OutboxMailEntity(String id, String realmId, String kind, String payload, long createdAt, long nextAttemptAt) {
        this.id = id;
        this.realmId = realmId;
        this.kind = kind;
        this.payload = payload;
        this.createdAt = createdAt;
        this.nextAttemptAt = nextAttemptAt;
    }

    public String getId() {
        return id;
    }

    public String getRealmId() {
        return realmId;
    }

    public String getKind() {
        return kind;
    }

    public String getPayload() {
        return payload;
    }

    public int getAttempts() {
        return attempts;
    }

    public long getNextAttemptAt() {
        return nextAttemptAt;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public String getLastError() {
        return lastError;
    }

    public Long getGaveUpAt() {
        return gaveUpAt;
    }
}
