package dev.appauth.it;

import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A first-party app names its own client with client_id; confidential clients authenticate with HTTP Basic. */
@ExtendWith(KeycloakStackExtension.class)
class ClientSelectionIT {

    private static final String CLIENT = AuthApi.unique("mobile-backend");
    private static final String SECRET = "s3cret-" + AuthApi.unique("x");

    @BeforeAll
    static void confidentialClientAllowedForTheApi() {
        Http.Reply created = AuthApi.admin("POST", AuthApi.REALM + "/clients", map(
                "clientId", CLIENT, "publicClient", false, "secret", SECRET, "directAccessGrantsEnabled", true,
                "standardFlowEnabled", false, "attributes", Map.of("auth-api.allowed", "true")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static String azp(String jwt) throws Exception {
        return Http.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).get("azp").asText();
    }

    @Test
    void confidentialClientGetsItsOwnTokensWithBasicCredentials() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply login = post("login", map("email", user.email(), "password", user.password(), "client_id", CLIENT),
                "Authorization", Http.basic(CLIENT, SECRET));
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        JsonNode token = login.json().get("token");
        assertThat(azp(token.get("access_token").asText())).isEqualTo(CLIENT);

        // refresh needs the client's credentials again, and works with them
        String refreshToken = token.get("refresh_token").asText();
        Http.Reply withoutSecret = post("refresh", map("refresh_token", refreshToken));
        assertThat(withoutSecret.status()).as(withoutSecret.toString()).isEqualTo(401);
        assertThat(withoutSecret.json().get("error").asText()).isEqualTo("invalid_client");
        Http.Reply refreshed = post("refresh", map("refresh_token", refreshToken), "Authorization", Http.basic(CLIENT, SECRET));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(azp(refreshed.json().at("/token/access_token").asText())).isEqualTo(CLIENT);
    }

    @Test
    void confidentialClientWithoutOrWithWrongCredentialsIsRefusedAndNothingHappens() {
        AuthApi.TestUser user = AuthApi.newUser();
        int sessionsBefore = AuthApi.userSessions(user.id()).size();
        for (List<String> headers : List.of(List.<String>of(), List.of("Authorization", Http.basic(CLIENT, "wrong")),
                List.of("Authorization", Http.basic("auth-api", SECRET)))) {
            Http.Reply reply = post("login", map("email", user.email(), "password", user.password(), "client_id", CLIENT),
                    headers.toArray(String[]::new));
            assertThat(reply.status()).as(headers + " -> " + reply).isEqualTo(401);
            assertThat(reply.json().get("error").asText()).isEqualTo("invalid_client");
        }
        assertThat(AuthApi.userSessions(user.id())).hasSize(sessionsBefore);
    }

    @Test
    void clientWithoutDirectGrantsCannotLogUsersIn() {
        Http.Reply created = AuthApi.admin("POST", AuthApi.REALM + "/clients", map(
                "clientId", CLIENT + "-web", "publicClient", true, "directAccessGrantsEnabled", false,
                "attributes", Map.of("auth-api.allowed", "true")));
        assertThat(created.status()).isEqualTo(201);
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply reply = post("login", map("email", user.email(), "password", user.password(), "client_id", CLIENT + "-web"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("unauthorized_client");
    }
}
