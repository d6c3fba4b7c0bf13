package dev.appauth.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;

import dev.appauth.it.KeycloakStackExtension;

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
}
