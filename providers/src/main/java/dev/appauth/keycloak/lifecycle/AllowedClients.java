package dev.appauth.keycloak.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import dev.appauth.keycloak.AuthException;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;

/**
 * The clients a first-party app may name with {@code client_id}: those carrying the client attribute
 * {@value #ATTRIBUTE} = {@code true}. The attribute is the only place this is recorded; the API checks
 * it on every request and the admin console's Auth API tab edits it.
 */
public final class AllowedClients {

    public static final String ATTRIBUTE = "auth-api.allowed";

    /** Keycloak's option naming the client attributes its database may be searched by. */
    public static final String SEARCHABLE_OPTION = "--spi-client--jpa--searchable-attributes";

    private static final Logger LOG = Logger.getLogger(AllowedClients.class);

    private AllowedClients() {
    }

    /**
     * The client a request names (or the default), if it exists, is enabled, can hold sessions, and is the
     * default or was allowed by the admin for this API.
     */
    public static ClientModel resolve(RealmModel realm, String defaultClientId, String requestedClientId) {
        String clientId = requestedClientId == null ? defaultClientId : requestedClientId;
        ClientModel client = realm.getClientByClientId(clientId);
        if (client == null || !client.isEnabled() || client.isBearerOnly()
                || !(clientId.equals(defaultClientId) || isAllowed(client))) {
            throw AuthException.invalidClient();
        }
        return client;
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

    /**
     * The realm's allowed clients: a database query when the attribute is searchable (Keycloak allows it
     * only for attributes named in {@value #SEARCHABLE_OPTION}), otherwise a scan of the realm's clients.
     */
    public static Stream<ClientModel> find(KeycloakSession session, RealmModel realm) {
        List<ClientModel> clients;
        try {
            clients = session.clients().searchClientsByAttributes(realm, Map.of(ATTRIBUTE, "true"), null, null).toList();
        } catch (ModelException notSearchable) {
            LOG.debugf("Scanning the clients of realm %s (%s); add %s to %s for a query",
                    realm.getName(), notSearchable.getMessage(), ATTRIBUTE, SEARCHABLE_OPTION);
            clients = realm.getClientsStream().toList();
        }
        return clients.stream().filter(Objects::nonNull).filter(AllowedClients::isAllowed);
    }
}
