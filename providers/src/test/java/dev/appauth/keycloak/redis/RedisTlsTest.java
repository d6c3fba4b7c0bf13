package dev.appauth.keycloak.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;

import dev.appauth.keycloak.KeycloakStandIns;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.embedded.RedisServer;

/**
 * rediss:// against a real redis-server with TLS (the embedded binary is built with it): the certificate must chain
 * to the trust store and name the host, else the server does not start and no command, not even AUTH, is sent.
 */
class RedisTlsTest {

    private static final String PASSWORD = "tls-secret";

    private static TestCertificates certificates;
    private static TlsRedis forLocalhost;
    private static TlsRedis forOtherHost;

    @BeforeAll
    static void start() throws IOException {
        certificates = TestCertificates.create();
        certificates.server("localhost-cert", "dns:localhost,ip:127.0.0.1");
        certificates.server("other-cert", "dns:redis.other.example");
        forLocalhost = new TlsRedis(certificates, "localhost-cert");
        forOtherHost = new TlsRedis(certificates, "other-cert");
    }

    @AfterAll
    static void stop() throws IOException {
        if (forLocalhost != null) {
            forLocalhost.server.stop();
        }
        if (forOtherHost != null) {
            forOtherHost.server.stop();
        }
    }

    @Test
    void aCertificateThatNamesTheHostIsAccepted() {
        Map<String, String> byIp = options("rediss://127.0.0.1:" + forLocalhost.tlsPort);
        byIp.put("tls-truststore", certificates.truststore().toString());
        byIp.put("tls-truststore-password", TestCertificates.PASSWORD);
        assertRoundTrip(byIp);

        Map<String, String> byNameWithPemCa = options("rediss://localhost:" + forLocalhost.tlsPort);
        byNameWithPemCa.put("tls-truststore", certificates.caPem().toString());
        assertRoundTrip(byNameWithPemCa);
    }

    @Test
    void aCertificateForAnotherHostIsRefusedBeforeAnyCommandIsSent() throws IOException {
        TlsRedis untouched = new TlsRedis(certificates, "other-cert");
        try {
            refusesAndSendsNothing(untouched);
        } finally {
            untouched.server.stop();
        }
    }

    private static void refusesAndSendsNothing(TlsRedis redis) {
        Map<String, String> options = options("rediss://127.0.0.1:" + redis.tlsPort);
        options.put("tls-truststore", certificates.truststore().toString());
        options.put("tls-truststore-password", TestCertificates.PASSWORD);
        ProbeFactory factory = new ProbeFactory();
        factory.init(new MapScope(options));

        assertThatThrownBy(() -> factory.postInit(KeycloakStandIns.sessionFactory(Provider.class, factory, new ArrayList<>())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Redis at rediss://127.0.0.1:" + redis.tlsPort + "/0 refused: TLS handshake failed")
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1")
                .hasMessageContaining("name the host")
                .hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> factory.create(null)).isInstanceOf(IllegalStateException.class);
        assertThat(factory.getOperationalInfo()).containsEntry("connected", "false");

        // the server saw the handshake fail and nothing after it: only the AUTH of this inspecting connection
        String commands = redis.commandStats();
        assertThat(commands).contains("cmdstat_auth:calls=1,")
                .doesNotContain("cmdstat_ping").doesNotContain("cmdstat_client").doesNotContain("cmdstat_hello")
                .doesNotContain("cmdstat_select");
    }

    @Test
    void aCertificateFromAnIssuerOutsideTheTrustStoreIsRefused() {
        // no tls-truststore: the JVM's trust store does not hold the test CA
        assertThatThrownBy(() -> RedisClients.openVerified(config(options("rediss://127.0.0.1:" + forLocalhost.tlsPort)),
                "test", "--test--"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS handshake failed")
                .hasMessageContaining("PKIX path building failed");
    }

    @Test
    void hostNameVerificationCanBeTurnedOffForTesting() {
        Map<String, String> options = options("rediss://127.0.0.1:" + forOtherHost.tlsPort);
        options.put("tls-truststore", certificates.caPem().toString());
        options.put("tls-verify-hostname", "false");
        assertRoundTrip(options);
    }

    @Test
    void anUnreadableTrustStoreIsAConfigurationError() {
        Map<String, String> options = options("rediss://127.0.0.1:" + forLocalhost.tlsPort);
        options.put("tls-truststore", certificates.truststore().resolveSibling("missing.p12").toString());
        assertThatThrownBy(() -> RedisClients.openVerified(config(options), "test", "--test--"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Redis option 'tls-truststore': cannot read");
    }

    private static Map<String, String> options(String url) {
        Map<String, String> options = new HashMap<>();
        options.put("url", url);
        options.put("password", PASSWORD);
        options.put("connect-timeout-ms", "2000");
        return options;
    }

    private static RedisConfig config(Map<String, String> options) {
        return RedisConfig.from(new MapScope(options));
    }

    private static void assertRoundTrip(Map<String, String> options) {
        try (UnifiedJedis client = RedisClients.openVerified(config(options), "test", "--test--")) {
            client.set("tls:key", "value");
            assertThat(client.get("tls:key")).isEqualTo("value");
        }
    }

    /** The smallest Redis-backed factory: the base class's startup path without a provider of the bundle. */
    static final class ProbeFactory extends RedisProviderFactory<Provider> {

        ProbeFactory() {
            super(Provider.class, "probe", "probe", "app-auth-test");
        }

        @Override
        protected void connected(KeycloakSessionFactory factory, UnifiedJedis client, RedisAvailability availability) {
        }

        @Override
        public Provider create(KeycloakSession session) {
            requireConnected();
            return () -> {
            };
        }
    }

    /** redis-server with a TLS port, and a plain port on loopback for looking at it from outside the code under test. */
    private static final class TlsRedis {

        final RedisServer server;
        final int plainPort;
        final int tlsPort;

        TlsRedis(TestCertificates certificates, String name) throws IOException {
            Path certificate = certificates.certificateOf(name);
            plainPort = freePort();
            tlsPort = freePort();
            server = RedisServer.newRedisServer().port(plainPort).bind("127.0.0.1")
                    .setting("tls-port " + tlsPort)
                    .setting("tls-cert-file " + certificate.toAbsolutePath())
                    .setting("tls-key-file " + certificates.keyOf(name).toAbsolutePath())
                    .setting("tls-ca-cert-file " + certificates.caPem().toAbsolutePath())
                    .setting("tls-auth-clients no")
                    .setting("requirepass " + PASSWORD)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
        }

        String commandStats() {
            try (Jedis inspector = new Jedis("127.0.0.1", plainPort)) {
                inspector.auth(PASSWORD);
                return inspector.info("commandstats");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
