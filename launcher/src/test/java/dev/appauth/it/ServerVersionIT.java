package dev.appauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appauth.launcher.KeycloakStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** The server the tests start is the Keycloak version the build pins, with the realm imported. */
@ExtendWith(KeycloakStackExtension.class)
class ServerVersionIT {

    private static AdminApi admin;

    @BeforeAll
    static void login() throws Exception {
        admin = AdminApi.login(KeycloakStackExtension.stack());
    }

    @Test
    void serverRunsThePinnedKeycloakVersion() throws Exception {
        String expected = System.getProperty("keycloak.version");
        assertThat(expected).as("system property keycloak.version (set by failsafe)").isNotBlank();

        JsonNode serverInfo = admin.getJson("/serverinfo");

        assertThat(serverInfo.path("systemInfo").path("version").asText()).isEqualTo(expected);
    }

    @Test
    void appRealmIsImported() throws Exception {
        JsonNode realm = admin.getJson("/realms/app");

        assertThat(realm.path("realm").asText()).isEqualTo("app");
    }

    @Test
    void realmMailGoesToTheCatcher() throws Exception {
        KeycloakStack stack = KeycloakStackExtension.stack();
        JsonNode smtp = admin.getJson("/realms/app").path("smtpServer");

        // the realm file's ${APP_AUTH_SMTP_*} placeholders were filled from the stack's environment
        assertThat(smtp.path("host").asText()).isEqualTo(stack.smtpHost());
        assertThat(smtp.path("port").asText()).isEqualTo(Integer.toString(stack.smtpPort()));
    }
}
