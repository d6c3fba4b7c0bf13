package dev.appauth.keycloak.rest;

import java.util.Map;
import java.util.stream.Stream;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The clients a first-party app may name with {@code client_id}: those carrying the client attribute
 * {@value #ATTRIBUTE} = {@code true}. The attribute is the only place this is recorded; the API checks
 * it on every request and the admin console's Auth API tab edits it.
 */
public final class AllowedClients {

    public static final String ATTRIBUTE = "auth-api.allowed";

    private AllowedClients() {
    }

    public static boolean isAllowed(ClientModel client) {
        return "true".equals(client.getAttribute(ATTRIBUTE));
    }

    public static void setAllowed(ClientModel client, boolean allowed) {
        if (allowed) {
            client.setAttribute(ATTRIBUTE, "true");
        } else {
            client.removeAttribute(ATTRIBUTE);
        }
    }

    /** The realm's allowed clients, found by an attribute query (not a scan of every client). */
    public static Stream<ClientModel> find(KeycloakSession session, RealmModel realm) {
        return session.clients().searchClientsByAttributes(realm, Map.of(ATTRIBUTE, "true"), null, null)
                .filter(AllowedClients::isAllowed);
    }
}
