package dev.appauth.keycloak.lifecycle;

import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;

/** Keycloak events of the current request (realm, client IP), as the admin console's event view shows them. */
final class Events {

    private Events() {
    }

    static EventBuilder of(KeycloakSession session, EventType type) {
        return new EventBuilder(session.getContext().getRealm(), session, session.getContext().getConnection()).event(type);
    }
}
