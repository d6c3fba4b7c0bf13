package dev.appauth.it;

import static dev.appauth.it.AuthApi.login;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.appauth.launcher.PostgresService;

/** The database goes away: the API answers 503 in its error shape, never 500, and recovers by itself. */
@ExtendWith(KeycloakStackExtension.class)
class DatabaseOutageIT {

    @Test
    void databaseDownGives503AndTheServiceResumesWhenItReturns() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        PostgresService postgres = KeycloakStackExtension.stack().postgres();
        assertThat(postgres).as("the test stack runs an embedded PostgreSQL").isNotNull();

        postgres.simulateOutage();
        try {
            Http.Reply login = login(user.email(), user.password());
            assertThat(login.status()).as(login.toString()).isEqualTo(503);
            assertThat(login.json().get("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(login.header("Retry-After")).isNotNull();

            String username = AuthApi.unique("outage");
            Http.Reply register = AuthApi.post("register", map("email", username + "@example.com",
                    "password", AuthApi.STRONG_PASSWORD, "username", username));
            assertThat(register.status()).as(register.toString()).isEqualTo(503);
            assertThat(register.body()).doesNotContain("Exception").doesNotContain("SQL");
        } finally {
            postgres.resumeAfterOutage();
        }

        // the connection pool reconnects on its own; no restart of Keycloak
        Http.Reply after = null;
        for (int i = 0; i < 60; i++) {
            after = login(user.email(), user.password());
            if (after.status() == 200) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
    }
}
