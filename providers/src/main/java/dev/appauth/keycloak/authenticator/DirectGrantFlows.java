package dev.appauth.keycloak.authenticator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.AuthenticationFlowResolver;

/**
 * Whether a client's password grants run the login rate limit: the realm-config flows do, but a realm made before
 * them (or by hand) may not, and a login path without a limit is not acceptable. /auth/login asks this and, where
 * the flow lacks the step, counts the same bucket itself — the token endpoint and the login page of such a realm
 * stay unlimited, which one WARN per realm and flow says.
 */
public final class DirectGrantFlows {

    private static final Logger LOG = Logger.getLogger(DirectGrantFlows.class);

    /** realm id + flow id already warned about, so the log says it once per node rather than per request */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private DirectGrantFlows() {
    }

    public static boolean countsLoginAttempts(RealmModel realm, ClientModel client) {
        AuthenticationFlowModel flow = AuthenticationFlowResolver.resolveBindingOverrideFlowForClient(client,
                AuthenticationFlowBindings.DIRECT_GRANT_BINDING);
        if (flow == null) {
            flow = realm.getDirectGrantFlow();
        }
        if (flow == null) {
            return false;
        }
        boolean counts = contains(realm, flow.getId(), DirectGrantRateLimit.PROVIDER_ID, 0);
        if (!counts && WARNED.add(realm.getId() + "/" + flow.getId())) {
            LOG.warnf("Realm %s: the direct-grant flow '%s' has no '%s' step; /auth/login counts login attempts itself,"
                    + " but the token endpoint's password grant and the login page are not rate-limited (see README,"
                    + " Upgrading an existing realm)", realm.getName(), flow.getAlias(), DirectGrantRateLimit.PROVIDER_ID);
        }
        return counts;
    }

    private static boolean contains(RealmModel realm, String flowId, String authenticator, int depth) {
        // flows nest a few levels at most; the bound guards against a (corrupt) cycle
        return depth < 8 && realm.getAuthenticationExecutionsStream(flowId)
                .filter(execution -> execution.getRequirement() != AuthenticationExecutionModel.Requirement.DISABLED)
                .anyMatch(execution -> execution.isAuthenticatorFlow()
                        ? contains(realm, execution.getFlowId(), authenticator, depth + 1)
                        : authenticator.equals(execution.getAuthenticator()));
    }
}
