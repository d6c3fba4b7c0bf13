package dev.appauth.launcher;

import java.util.List;
import java.util.Map;

/**
 * One backing service of the stack (Postgres, the mail catcher, later Redis). {@link KeycloakStack}
 * starts them in order before Keycloak, hands Keycloak what each contributes, and closes them in
 * reverse order after Keycloak has stopped.
 */
interface StackService extends AutoCloseable {

    String name();

    void start() throws Exception;

    /** Environment variables Keycloak needs to reach this service (read after {@link #start()}). */
    default Map<String, String> keycloakEnv() {
        return Map.of();
    }

    /** Command-line options for kc.sh (read after {@link #start()}). */
    default List<String> keycloakArgs() {
        return List.of();
    }

    /** Stops the service; must be safe to call twice and after a failed start. */
    @Override
    void close() throws Exception;
}
