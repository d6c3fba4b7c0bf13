package dev.appauth.keycloak.console;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.appauth.keycloak.lifecycle.AllowedClients;
import dev.appauth.keycloak.token.ActionLinks;

/**
 * A field of the Auth API tab: the editor of one client attribute, as a text area with one line per
 * client. A text area rather than Keycloak's multivalued-string editor: on update Keycloak drops a
 * multivalued config entry whose first value is blank, so clearing the first row would silently
 * clear every client. Entries are kept sorted by client ID, so the stored form is canonical.
 */
enum TabField {

    /** {@code client-id} lines: the clients carrying {@code auth-api.allowed=true}. */
    ALLOWED_CLIENTS("allowedClients", AllowedClients.ATTRIBUTE) {
        @Override
        String valueOf(ClientModel client) {
            return AllowedClients.isAllowed(client) ? TRUE : null;
        }

        @Override
        Stream<ClientModel> carriers(KeycloakSession session, RealmModel realm) {
            return AllowedClients.find(session, realm);
        }

        @Override
        void entry(String line, SortedMap<String, String> entries) {
            entries.put(line, TRUE);
        }

        @Override
        String line(String clientId, String value) {
            return clientId;
        }
    },

    /** {@code client-id URL} lines: the app page that reset and verification links of that client open. */
    ACTION_URLS("actionUrls", ActionLinks.ACTION_URL_ATTRIBUTE) {
        @Override
        void entry(String line, SortedMap<String, String> entries) {
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !ActionLinks.isUsableActionUrl(parts[1])) {
                throw new IllegalArgumentException(line);
            }
            entries.put(parts[0], parts[1]);
        }

        @Override
        String line(String clientId, String value) {
            return clientId + " " + value;
        }
    };

    private static final String TRUE = "true";
    private static final Pattern LINES = Pattern.compile("\\R");

    final String configKey;
    final String attribute;

    TabField(String configKey, String attribute) {
        this.configKey = configKey;
        this.attribute = attribute;
    }

    /** Adds one non-blank, trimmed line; throws IllegalArgumentException (the line) when it is malformed. */
    abstract void entry(String line, SortedMap<String, String> entries);

    abstract String line(String clientId, String value);

    /** The attribute's value on a client as this field lists it, or null when the client is not listed. */
    String valueOf(ClientModel client) {
        return client.getAttribute(attribute);
    }

    void set(ClientModel client, String value) {
        if (value == null) {
            client.removeAttribute(attribute);
        } else {
            client.setAttribute(attribute, value);
        }
    }

    /** The realm's clients that carry the attribute. */
    Stream<ClientModel> carriers(KeycloakSession session, RealmModel realm) {
        return realm.getClientsStream().filter(client -> valueOf(client) != null);
    }

    /** Entries by client ID from the stored or submitted values; blank lines are dropped. */
    SortedMap<String, String> parse(Collection<String> values) {
        SortedMap<String, String> entries = new TreeMap<>();
        if (values != null) {
            values.stream().filter(Objects::nonNull)
                    .flatMap(LINES::splitAsStream)
                    .map(String::trim)
                    .filter(line -> !line.isEmpty())
                    .forEach(line -> entry(line, entries));
        }
        return Collections.unmodifiableSortedMap(entries);
    }

    SortedMap<String, String> of(ComponentModel component) {
        return parse(component.getConfig().get(configKey));
    }

    /** Stores the entries as the form shows them; none is no config entry, as Keycloak stores an emptied field. */
    void store(ComponentModel component, SortedMap<String, String> entries) {
        if (entries.isEmpty()) {
            component.getConfig().remove(configKey);
        } else {
            component.getConfig().putSingle(configKey, entries.entrySet().stream()
                    .map(e -> line(e.getKey(), e.getValue())).collect(Collectors.joining("\n")));
        }
    }
}
