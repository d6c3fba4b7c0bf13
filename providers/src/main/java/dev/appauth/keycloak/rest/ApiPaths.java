package dev.appauth.keycloak.rest;

import java.util.List;

import jakarta.ws.rs.core.PathSegment;
import org.keycloak.models.KeycloakSession;

/** Which requests belong to the API: {@code /realms/{realm}/auth/...}, whatever the server's relative path. */
final class ApiPaths {

    private ApiPaths() {
    }

    static boolean isApiRequest(KeycloakSession session) {
        if (session.getContext() == null || session.getContext().getUri() == null) {
            return false;
        }
        return isApiPath(session.getContext().getUri().getPathSegments());
    }

    static boolean isApiPath(List<PathSegment> segments) {
        for (int i = 0; i + 2 < segments.size(); i++) {
            if ("realms".equals(segments.get(i).getPath()) && AuthResourceProviderFactory.ID.equals(segments.get(i + 2).getPath())) {
                return true;
            }
        }
        return false;
    }
}
