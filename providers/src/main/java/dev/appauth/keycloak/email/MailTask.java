package dev.appauth.keycloak.email;

import org.keycloak.email.EmailException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * One mail intent, kept in the outbox until it is carried out. An implementation is a record of ids and strings
 * (an address, a user id, a client id, the public base URL, the client IP): it is stored as JSON under the kind a
 * {@link MailKinds} registers for it and rebuilt from there, possibly on another node or after a restart. It must
 * never hold a token or a link: those are made by {@link #send} when the mail goes out.
 *
 * <p>{@code send} runs on a worker thread in a Keycloak session and transaction of its own, with the realm set on
 * the session's context; looking the account up happens there, so the request that queued the intent takes the
 * same time whether or not an account has the address.
 */
public interface MailTask {

    /** @return false when there turned out to be nothing to send (e.g. no account has the address) */
    boolean send(KeycloakSession session, RealmModel realm) throws EmailException;
}
