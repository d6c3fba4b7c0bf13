package dev.appauth.it;

import dev.appauth.launcher.KeycloakStack;
import dev.appauth.launcher.StackConfig;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Starts one {@link KeycloakStack} per test JVM (embedded Postgres in a temp dir, in-process GreenMail,
 * Keycloak with the built providers and realm-config/app-realm.json, all on free ports) and closes it
 * when the JUnit run ends. Use with {@code @ExtendWith(KeycloakStackExtension.class)}, then
 * {@link #stack()}.
 *
 * <p>Reads the system properties failsafe sets: keycloak.home, realm.config.dir, project.build.dir.
 * Keycloak's output goes to ${project.build.dir}/keycloak-it.log.
 *
 * <p>With {@code app-auth.it.cluster=true} (the failsafe execution of the cluster ITs, {@code **}{@code /cluster/*IT})
 * the stack runs {@link #CLUSTER_NODES} Keycloak nodes as one cluster and Redis as master, replica and Sentinel;
 * their logs are keycloak-cluster-it.log and keycloak-cluster-it-node2.log.
 */
public final class KeycloakStackExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakStackExtension.class);

    /** Nodes of the cluster ITs' stack. */
    public static final int CLUSTER_NODES = 2;

    private static volatile KeycloakStack current;

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root store outlives every test class and closes its AutoCloseable values at the end of the run
        StackResource resource = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(StackResource.class, k -> StackResource.start(), StackResource.class);
        current = resource.stack();
    }

    /** The running stack; only valid in classes extended with this extension. */
    public static KeycloakStack stack() {
        KeycloakStack s = current;
        if (s == null) {
            throw new IllegalStateException("No stack: annotate the test class with @ExtendWith(KeycloakStackExtension.class)");
        }
        return s;
    }

    /** Whether this test JVM runs the cluster ITs (a cluster stack instead of the single node). */
    public static boolean clusterRun() {
        return Boolean.getBoolean("app-auth.it.cluster");
    }

    static StackConfig config() {
        StackConfig.Builder builder = configBuilder();
        if (clusterRun()) {
            Path buildDir = Path.of(System.getProperty("project.build.dir", "target")).toAbsolutePath();
            builder.nodes(CLUSTER_NODES).redisSentinel(true)
                    .keycloakLogFile(buildDir.resolve("keycloak-cluster-it.log"))
                    .postgresLogFile(buildDir.resolve("postgres-cluster-it.log"));
        }
        return builder.build();
    }

    /** The single-node test stack's configuration, to change before building. */
    static StackConfig.Builder configBuilder() {
        Path buildDir = Path.of(System.getProperty("project.build.dir", "target")).toAbsolutePath();
        String home = System.getProperty("keycloak.home");
        if (home == null) {
            throw new IllegalStateException("System property keycloak.home is not set; run the ITs through "
                    + "Maven (mvn verify), which sets it to the unpacked Keycloak");
        }
        Path realmConfig = Path.of(System.getProperty("realm.config.dir", "../realm-config")).toAbsolutePath().normalize();
        Path realmFile = realmConfig.resolve("app-realm.json");
        if (!Files.isRegularFile(realmFile)) {
            throw new IllegalStateException("Realm file not found: " + realmFile);
        }
        return StackConfig.builder()
                .keycloakHome(Path.of(home))
                .realmFile(realmFile)
                .passwordBlacklistsDir(realmConfig.resolve("password-blacklists"))
                .adminUsername("admin")
                .adminPassword(UUID.randomUUID().toString())
                .keycloakLogFile(buildDir.resolve("keycloak-it.log"))
                .postgresLogFile(buildDir.resolve("postgres-it.log"))
                // a developer's KC_* variables must not change what the tests run against
                .inheritKeycloakEnv(false)
                // the suite runs everything from 127.0.0.1: lift the per-IP and per-account limits of the
                // app realm; RateLimitIT sets low ones on a realm of its own
                .extraKeycloakArgs(List.of(
                        "--spi-realm-restapi-extension--auth--rate-limits=*.ip=100000/1m,*.account=100000/1m",
                        // lets tests act as different client IPs through X-Forwarded-For from loopback only
                        "--proxy-headers=xforwarded",
                        "--proxy-trusted-addresses=127.0.0.1,::1",
                        // mail retries in seconds, not minutes, so that MailOutboxIT sees retries and a give-up;
                        // the lease still outlasts the 3-10 s SMTP timeouts the tests set
                        "--spi-app-auth-mail--default--retry-initial-seconds=1",
                        "--spi-app-auth-mail--default--retry-max-seconds=2",
                        "--spi-app-auth-mail--default--max-attempts=4",
                        "--spi-app-auth-mail--default--poll-interval-seconds=1",
                        "--spi-app-auth-mail--default--lease-seconds=15"));
    }

    /**
     * Holds the stack, or the reason it did not start: test classes after the first then fail at once
     * with that reason instead of each trying (and waiting) again.
     */
    private static final class StackResource implements AutoCloseable {
        private final KeycloakStack stack;
        private final RuntimeException failure;

        private StackResource(KeycloakStack stack, RuntimeException failure) {
            this.stack = stack;
            this.failure = failure;
        }

        static StackResource start() {
            try {
                return new StackResource(KeycloakStack.start(config()), null);
            } catch (RuntimeException e) {
                return new StackResource(null, e);
            }
        }

        KeycloakStack stack() {
            if (failure != null) {
                throw new IllegalStateException("The Keycloak stack did not start: " + failure.getMessage(), failure);
            }
            return stack;
        }

        @Override
        public void close() {
            if (stack != null) {
                stack.close();
            }
        }
    }
}
