package dev.appauth.keycloak.email;

import org.keycloak.email.EmailException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * One mail to send in the background. Runs on a worker thread in a Keycloak session and transaction of its
 * own, with the realm set on the session's context. It must capture ids and strings only, never models of the
 * request's session (that session is closed by then).
 */
@FunctionalInterface
public interface MailTask {

    /** @return false when there turned out to be nothing to send (e.g. no account has the address) */
    boolean send(KeycloakSession session, RealmModel realm) throws EmailException;
}
