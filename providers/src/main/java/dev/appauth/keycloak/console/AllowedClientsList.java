package dev.appauth.keycloak.console;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.keycloak.component.ComponentModel;

/**
 * The tab's one field: client IDs, one per line, stored as a single value. A text area rather than
 * Keycloak's multivalued-string editor: on update Keycloak drops a multivalued config entry whose
 * first value is blank, so clearing the first row would silently unlist every client.
 */
final class AllowedClientsList {

    static final String CONFIG_KEY = "allowedClients";
    private static final Pattern LINES = Pattern.compile("\\R");

    private AllowedClientsList() {
    }

    /** Client IDs from the stored or submitted values: trimmed, blank lines dropped, sorted, no duplicates. */
    static List<String> parse(Collection<String> values) {
        TreeSet<String> ids = new TreeSet<>();
        if (values != null) {
            values.stream().filter(Objects::nonNull)
                    .flatMap(LINES::splitAsStream)
                    .map(String::trim)
                    .filter(id -> !id.isEmpty())
                    .forEach(ids::add);
        }
        return List.copyOf(ids);
    }

    static List<String> of(ComponentModel component) {
        return parse(component.getConfig().get(CONFIG_KEY));
    }

    /** Stores the list as the form shows it; an empty list is no entry, as Keycloak stores an emptied field. */
    static void store(ComponentModel component, List<String> clientIds) {
        if (clientIds.isEmpty()) {
            component.getConfig().remove(CONFIG_KEY);
        } else {
            component.getConfig().putSingle(CONFIG_KEY, String.join("\n", clientIds));
        }
    }
}
