package dev.appauth.keycloak.console;

import java.util.function.Predicate;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminRoot;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * Whether the admin behind the current request may change a client, as the Clients section would
 * decide (manage-clients, or fine-grained client permissions). The tab itself needs only manage-realm,
 * like every component; this keeps it from changing clients its user could not change elsewhere.
 */
final class AdminClientPermission {

    private AdminClientPermission() {
    }

    static Predicate<ClientModel> of(KeycloakSession session, RealmModel realm) {
        KeycloakContext context = session.getContext();
        if (context.getBearerToken() == null) {
            return client -> true; // not an admin REST request: server start, realm import at boot
        }
        // the admin as the admin REST API resolved it for this request (a lightweight admin token has no
        // subject and no roles of its own); that also makes the master realm the context realm: restore it
        RealmModel current = context.getRealm();
        AdminAuth auth;
        try {
            auth = AdminRoot.authenticateRealmAdminRequest(session);
        } finally {
            context.setRealm(current);
        }
        return AdminPermissions.evaluator(session, realm, auth).clients()::canManage;
    }
}
