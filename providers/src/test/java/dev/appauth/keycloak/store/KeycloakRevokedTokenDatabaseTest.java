package dev.appauth.keycloak.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.common.Version;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;

/**
 * Checks the by-name binding against the real {@code RevokedTokenPersisterProvider} of the Keycloak version compiled
 * against. That interface ships only inside the Keycloak distribution (its artifact's parent POM is not on Maven
 * Central), so the jar is taken from the distribution zip in the local Maven repository; without it the test is
 * skipped.
 */
class KeycloakRevokedTokenDatabaseTest {

    private static Path jar;
    private static URLClassLoader keycloakJar;

    @BeforeAll
    static void loadKeycloakJar() throws IOException {
        Path zip = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "keycloak", "keycloak-quarkus-dist",
                Version.VERSION, "keycloak-quarkus-dist-" + Version.VERSION + ".zip");
        assumeTrue(Files.isRegularFile(zip), "Keycloak distribution not in the local Maven repository: " + zip);
        String entryName = "keycloak-" + Version.VERSION + "/lib/lib/main/org.keycloak.keycloak-model-storage-private-"
                + Version.VERSION + ".jar";
        jar = Files.createTempFile("keycloak-model-storage-private", ".jar");
        try (ZipFile distribution = new ZipFile(zip.toFile())) {
            ZipEntry entry = distribution.getEntry(entryName);
            assertThat(entry).as(entryName).isNotNull();
            try (InputStream in = distribution.getInputStream(entry)) {
                Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        keycloakJar = new URLClassLoader(new URL[] { jar.toUri().toURL() }, KeycloakRevokedTokenDatabaseTest.class.getClassLoader());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (keycloakJar != null) {
            keycloakJar.close();
            Files.deleteIfExists(jar);
        }
    }

    @Test
    void bindsToKeycloaksPersisterAndCallsIt() throws Exception {
        KeycloakRevokedTokenDatabase.Binding binding = KeycloakRevokedTokenDatabase.Binding.resolve(keycloakJar);
        Class<?> persisterType = keycloakJar.loadClass(KeycloakRevokedTokenDatabase.PERSISTER_TYPE);
        Class<?> revokedTokenType = keycloakJar.loadClass(KeycloakRevokedTokenDatabase.REVOKED_TOKEN_TYPE);
        var constructor = revokedTokenType.getConstructor(String.class, long.class);
        int now = Time.currentTime();
        List<Object> stored = List.of(
                constructor.newInstance("active", now + 120L),
                constructor.newInstance("expired", now - 5L));

        List<String> revoked = new ArrayList<>();
        Object persister = Proxy.newProxyInstance(keycloakJar, new Class<?>[] { persisterType }, (proxy, method, args) -> switch (method.getName()) {
            case "revokeToken" -> {
                revoked.add(args[0] + "=" + args[1]);
                yield null;
            }
            case "getAllRevokedTokens" -> stored.stream();
            default -> throw new UnsupportedOperationException(method.getName());
        });
        KeycloakSession session = (KeycloakSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { KeycloakSession.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getProvider") && args.length == 1 && args[0] == persisterType) {
                        return persister;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        KeycloakRevokedTokenDatabase database = new KeycloakRevokedTokenDatabase(session, binding);
        database.revoke("jti-1", 300);
        Map<String, Long> active = new LinkedHashMap<>();
        database.forEachActive(active::put);

        assertThat(revoked).containsExactly("jti-1=300");
        assertThat(active).containsOnlyKeys("active");
        assertThat(active.get("active")).isBetween(119L, 120L);
    }

    @Test
    void failsClearlyWhenKeycloakLacksThePersister() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        assertThatThrownBy(() -> KeycloakRevokedTokenDatabase.Binding.resolve(empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RevokedTokenPersisterProvider");
    }

    @Test
    void theStreamIsClosedAfterReading() throws Exception {
        KeycloakRevokedTokenDatabase.Binding binding = KeycloakRevokedTokenDatabase.Binding.resolve(keycloakJar);
        Class<?> persisterType = keycloakJar.loadClass(KeycloakRevokedTokenDatabase.PERSISTER_TYPE);
        boolean[] closed = { false };
        Object persister = Proxy.newProxyInstance(keycloakJar, new Class<?>[] { persisterType },
                (proxy, method, args) -> Stream.empty().onClose(() -> closed[0] = true));
        KeycloakSession session = (KeycloakSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { KeycloakSession.class }, (proxy, method, args) -> persister);

        new KeycloakRevokedTokenDatabase(session, binding).forEachActive((id, remaining) -> { });

        assertThat(closed[0]).isTrue();
    }
}
