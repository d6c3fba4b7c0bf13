package dev.appauth.it.cluster;

import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

import dev.appauth.it.AuthApi;
import dev.appauth.it.Http;
import dev.appauth.it.KeycloakStackExtension;
import dev.appauth.it.NodeApi;

/** What the cluster ITs need of the stack. */
final class ClusterRun {

    private ClusterRun() {
    }

    /**
     * The cluster ITs run in failsafe's cluster-it execution (a cluster stack); picked by name into the single-node
     * execution (-Dit.test=...) they are skipped, not run against one node where they would prove nothing.
     */
    static void requireCluster() {
        Assumptions.assumeTrue(KeycloakStackExtension.clusterRun(),
                "cluster ITs run in the cluster-it execution (-Dit.cluster.test=...)");
        assertThat(KeycloakStackExtension.stack().nodeCount()).isEqualTo(KeycloakStackExtension.CLUSTER_NODES);
    }

    /** Creates a realm of its own with these rate limits (its auth-api.rate-limits attribute); returns its name. */
    static String realmWithLimits(String prefix, String limits) {
        String realm = AuthApi.unique(prefix);
        Http.Reply created = AuthApi.admin("POST", "", map(
                "realm", realm, "enabled", true, "bruteForceProtected", false, "sslRequired", "none",
                "attributes", Map.of("auth-api.rate-limits", limits),
                "clients", List.of(map("clientId", "auth-api", "publicClient", true, "directAccessGrantsEnabled", true,
                        "standardFlowEnabled", false))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return realm;
    }

    /** A realm of its own has Keycloak's default user profile, which requires both names. */
    static Http.Reply register(NodeApi node, String realm, String email, String username) {
        return Http.postJson(node.realmUrl(realm) + "/auth/register", map("email", email, "password", AuthApi.STRONG_PASSWORD,
                "username", username, "first_name", "Rate", "last_name", "Limit"));
    }

    static Http.Reply login(NodeApi node, String realm, String email) {
        return Http.postJson(node.realmUrl(realm) + "/auth/login", map("email", email, "password", AuthApi.STRONG_PASSWORD));
    }
}
