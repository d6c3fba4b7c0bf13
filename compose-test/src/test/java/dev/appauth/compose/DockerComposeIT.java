package dev.appauth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

/**
 * docker-compose.yml's stack with the built jar, where a Docker engine answers: the compose file's images and
 * Keycloak environment (testcontainers-keycloak for Keycloak, the file's postgres, redis and mailpit images on one
 * network under the compose service names), then a smoke of the API — register, login, refresh, logout, and a
 * forgot-password mail that arrives in Mailpit. Without Docker (as on the CI machines of this project) it says so
 * loudly and is skipped; ComposeFileTest checks the file everywhere.
 */
class DockerComposeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String PASSWORD = "velvet tractor harbour 91";

    private static final List<GenericContainer<?>> started = new ArrayList<>();
    private static String api;
    private static String mailApi;

    @BeforeAll
    static void stack() throws Exception {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        if (!docker) {
            System.err.println("DOCKER TEST SKIPPED: DockerComposeIT needs a Docker engine (none answers here);"
                    + " ComposeFileTest checked docker-compose.yml instead");
        }
        assumeTrue(docker, "no Docker engine");
        Path jar = ComposeFile.REPO_ROOT.resolve("providers/target/app-auth-providers.jar");
        assertThat(Files.exists(jar)).as(jar + " (build the providers first)").isTrue();

        ComposeFile compose = ComposeFile.read();
        Map<String, String> vars = Map.of("POSTGRES_PASSWORD", "compose-it-db", "KC_BOOTSTRAP_ADMIN_PASSWORD", "compose-it-admin");
        Network network = Network.newNetwork();
        start(new GenericContainer<>(compose.image("postgres")).withNetwork(network).withNetworkAliases("postgres")
                .withEnv(compose.environment("postgres", vars))
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2)));
        start(new GenericContainer<>(compose.image("redis")).withNetwork(network).withNetworkAliases("redis")
                .withCommand("redis-server", "--maxmemory-policy", "noeviction").waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1)));
        GenericContainer<?> mail = start(new GenericContainer<>(compose.image("mail")).withNetwork(network).withNetworkAliases("mail")
                .withExposedPorts(8025).waitingFor(Wait.forHttp("/readyz").forPort(8025)));

        Map<String, String> env = new HashMap<>(compose.environment("keycloak", vars));
        KeycloakContainer keycloak = new KeycloakContainer(compose.image("keycloak"))
                .withProductionMode()
                .withProviderLibsFrom(List.of(jar.toFile()))
                .withCopyFileToContainer(MountableFile.forHostPath(ComposeFile.REPO_ROOT.resolve("realm-config/app-realm.json")),
                        "/opt/keycloak/data/import/app-realm.json")
                .withCustomCommand("--import-realm")
                .withCustomCommand("--features=declarative-ui")
                .withCustomCommand("--spi-client--jpa--searchable-attributes=auth-api.allowed")
                .withNetwork(network)
                .withEnv(env)
                .withStartupTimeout(Duration.ofMinutes(5));
        start(keycloak);
        api = keycloak.getAuthServerUrl().replaceAll("/$", "") + "/realms/app/auth/";
        mailApi = "http://" + mail.getHost() + ":" + mail.getMappedPort(8025) + "/api/v1/messages";
    }

    private static <C extends GenericContainer<?>> C start(C container) {
        container.start();
        started.add(container);
        return container;
    }

    @AfterAll
    static void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
    }

    private static JsonNode post(String path, Map<String, Object> body, String bearer, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    @Test
    void theComposeStackServesTheApiAndSendsItsMail() throws Exception {
        String email = "compose-" + System.nanoTime() + "@example.com";
        post("register", Map.of("email", email, "username", email.split("@")[0], "password", PASSWORD), null, 201);
        JsonNode login = post("login", Map.of("email", email, "password", PASSWORD), null, 200);
        JsonNode refreshed = post("refresh", Map.of("refresh_token", login.at("/token/refresh_token").asText()), null, 200);
        post("logout", Map.of("scope", "all"), refreshed.at("/token/access_token").asText(), 200);
        post("forgot-password", Map.of("email", email), null, 202);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean delivered = false;
        while (!delivered && System.nanoTime() < deadline) {
            String messages = HTTP.send(HttpRequest.newBuilder(URI.create(mailApi)).build(), HttpResponse.BodyHandlers.ofString()).body();
            delivered = messages.contains(email) && messages.toLowerCase().contains("password");
            if (!delivered) {
                Thread.sleep(500);
            }
        }
        assertThat(delivered).as("the reset mail reached Mailpit").isTrue();
    }
}
