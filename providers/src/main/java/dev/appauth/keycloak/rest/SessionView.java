package dev.appauth.keycloak.rest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.UserSessionModel;

/** A session in GET /sessions: what a user needs to recognise a device, nothing internal. */
final class SessionView {

    private SessionView() {
    }

    static Map<String, Object> of(UserSessionModel session, String currentSessionId) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", session.getId());
        view.put("ip_address", session.getIpAddress());
        view.put("started_at", Instant.ofEpochSecond(session.getStarted()).toString());
        view.put("last_access_at", Instant.ofEpochSecond(session.getLastSessionRefresh()).toString());
        view.put("clients", session.getAuthenticatedClientSessions().values().stream()
                .map(AuthenticatedClientSessionModel::getClient)
                .filter(client -> client != null)
                .map(client -> client.getClientId())
                .sorted()
                .distinct()
                .toList());
        view.put("current", session.getId().equals(currentSessionId));
        return view;
    }
}
