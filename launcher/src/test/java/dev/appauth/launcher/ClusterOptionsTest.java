package dev.appauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.ParameterException;

/** What --nodes and the cluster settings turn into on kc.sh's command line, and what they refuse. */
class ClusterOptionsTest {

    private static final Database DB = new Database("jdbc:postgresql://localhost:5433/keycloak", "keycloak", null);

    private static StackConfig.Builder config() {
        return StackConfig.builder().keycloakHome(Path.of("/opt/keycloak")).adminPassword("pw");
    }

    private static List<String> args(StackConfig config, int jgroupsPort) {
        return new KeycloakArguments(config, new KeycloakArguments.Endpoints("http://localhost:8080", 8080, 9000, DB,
                "localhost", 3025, jgroupsPort), List.of()).args();
    }

    @Test
    void aSingleNodeKeepsLocalCaches() {
        List<String> args = args(config().build(), 0);
        assertThat(args).contains("--cache=local").noneMatch(a -> a.startsWith("--cache-"));
        // the constructor without a JGroups port is the single node's
        assertThat(new KeycloakArguments(config().build(), new KeycloakArguments.Endpoints("http://localhost:8080", 8080,
                9000, DB, "localhost", 3025), List.of()).args()).contains("--cache=local");
    }

    @Test
    void aClusterNodeUsesIspnOverJdbcPingOnItsOwnLoopbackPort() {
        List<String> args = args(config().nodes(2).build(), 7801);
        assertThat(args).contains("--cache=ispn", "--cache-stack=jdbc-ping",
                "--cache-embedded-network-bind-address=127.0.0.1", "--cache-embedded-network-bind-port=7801");
        assertThat(args).doesNotContain("--cache=local");
        // JGroups cannot announce 0.0.0.0 to its peers: with --bind 0.0.0.0 the nodes on one machine use loopback
        assertThat(args(config().nodes(2).bindAddress(BindAddress.of("0.0.0.0")).build(), 7800))
                .contains("--cache-embedded-network-bind-address=127.0.0.1");
    }

    @Test
    void nodeLogsAreNamedAfterTheConfiguredOne() {
        Path log = Path.of("/tmp/target/keycloak-it.log");
        assertThat(KeycloakNode.logFile(log, 1)).isEqualTo(log);
        assertThat(KeycloakNode.logFile(log, 2)).isEqualTo(Path.of("/tmp/target/keycloak-it-node2.log"));
        assertThat(KeycloakNode.logFile(Path.of("/tmp/keycloak"), 3)).isEqualTo(Path.of("/tmp/keycloak-node3"));
        assertThat(KeycloakNode.logFile(null, 2)).isNull();
    }

    @Test
    void runShTakesNodesAndRefusesWhatCannotCluster() {
        LauncherOptions o = LauncherOptions.parse(new String[] {"--nodes", "2", "--jgroups-port", "7900"}, Map.of());
        assertThat(o.nodes).isEqualTo(2);
        assertThat(o.jgroupsPort).isEqualTo(7900);
        assertThat(LauncherOptions.parse(new String[0], Map.of()).nodes).isEqualTo(1);

        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--nodes", "0"}, Map.of()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--nodes");
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--nodes", "2", "--no-redis"}, Map.of()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("per node");
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--redis-sentinel", "--redis-url", "redis://r:6379"}, Map.of()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--redis-sentinel");
        assertThatThrownBy(() -> config().nodes(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config().redis(false).redisSentinel(true).build()).isInstanceOf(IllegalArgumentException.class);
    }
}
