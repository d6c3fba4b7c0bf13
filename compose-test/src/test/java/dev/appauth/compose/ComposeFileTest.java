package dev.appauth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** docker-compose.yml checked where no Docker engine runs it: services, health, versions, secrets, wiring. */
class ComposeFileTest {

    private final ComposeFile compose = ComposeFile.read();

    @Test
    void everyServiceHasAPinnedImageAndAHealthCheckAndKeycloakWaitsForThem() {
        List<String> names = new ArrayList<>();
        compose.services().fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("postgres", "redis", "mail", "keycloak");
        for (String name : names) {
            String image = compose.image(name);
            assertThat(image).as(name + " image").contains(":").doesNotEndWith(":latest");
            assertThat(compose.service(name).path("healthcheck").path("test").isMissingNode()).as(name + " healthcheck").isFalse();
        }
        JsonNode dependsOn = compose.service("keycloak").path("depends_on");
        for (String dependency : List.of("postgres", "redis", "mail")) {
            assertThat(dependsOn.path(dependency).path("condition").asText()).as(dependency).isEqualTo("service_healthy");
        }
    }

    @Test
    void keycloakIsTheVersionThePomBuildsAgainst() {
        String version = System.getProperty("keycloak.version");
        assertThat(version).isNotBlank();
        assertThat(compose.image("keycloak")).isEqualTo("quay.io/keycloak/keycloak:" + version);
    }

    @Test
    void noPasswordHasADefaultAndTheStackStartsOnlyWithThemSet() {
        compose.services().fields().forEachRemaining(service -> service.getValue().path("environment").fields().forEachRemaining(e -> {
            if (e.getKey().contains("PASSWORD") || e.getKey().contains("SECRET")) {
                assertThat(e.getValue().asText()).as(service.getKey() + " " + e.getKey()).matches("\\$\\{[A-Z0-9_]+:\\?[^}]+}");
            }
        }));
        assertThatThrownBy(() -> compose.environment("keycloak", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PASSWORD");
    }

    @Test
    void keycloakRunsTheBundleTheRealmAndThePublicUrl() {
        Map<String, String> env = compose.environment("keycloak", Map.of("POSTGRES_PASSWORD", "p", "KC_BOOTSTRAP_ADMIN_PASSWORD", "a"));
        assertThat(env).containsEntry("KC_SPI_SINGLE_USE_OBJECT__PROVIDER", "redis")
                .containsEntry("KC_SPI_APP_AUTH_RATE_LIMIT__PROVIDER", "redis")
                .containsEntry("KC_SPI_BRUTE_FORCE_PROTECTOR__DEFAULT_BRUTE_FORCE_DETECTOR__ALLOW_CONCURRENT_REQUESTS", "true")
                .containsEntry("KC_DB_PASSWORD", "p")
                .containsKey("KC_HOSTNAME");
        List<String> volumes = new ArrayList<>();
        compose.service("keycloak").path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes).anyMatch(v -> v.startsWith("./providers/target/app-auth-providers.jar:/opt/keycloak/providers/"))
                .anyMatch(v -> v.startsWith("./realm-config/app-realm.json:/opt/keycloak/data/import/"));
        for (String volume : volumes) {
            String source = volume.split(":")[0];
            if (source.startsWith("./") && !source.contains("target/")) {
                assertThat(Files.exists(ComposeFile.REPO_ROOT.resolve(source))).as(source + " exists").isTrue();
            }
        }
        List<String> command = new ArrayList<>();
        compose.service("keycloak").path("command").forEach(c -> command.add(c.asText()));
        assertThat(command).contains("start", "--import-realm", "--health-enabled=true");
    }

    @Test
    void variablesResolveAsComposeDoes() {
        assertThat(ComposeFile.resolve("${A:-x}", Map.of())).isEqualTo("x");
        assertThat(ComposeFile.resolve("${A:-x}", Map.of("A", "y"))).isEqualTo("y");
        assertThat(ComposeFile.resolve("redis://${H:-redis}:6379", Map.of())).isEqualTo("redis://redis:6379");
        assertThatThrownBy(() -> ComposeFile.resolve("${A:?set A}", Map.of())).hasMessageContaining("set A");
    }
}
