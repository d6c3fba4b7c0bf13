package dev.appauth.it;

import static dev.appauth.it.AuthApi.REALM;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bundle's argon2 (libargon2) against Keycloak 26.7.3's own (BouncyCastle), on the real server: each verifies
 * what the other wrote, and a credential with other parameters is re-hashed on login, as Keycloak does.
 */
@ExtendWith(KeycloakStackExtension.class)
class Argon2IT {

    private static final String PASSWORD = "ochre pelican window 58 \u00e9\u00df";
    /** a public client of Keycloak's token endpoint (auth-api refuses direct grants there) */
    private static final String GRANT_CLIENT = AuthApi.unique("argon2-grant");

    @BeforeAll
    static void grantClient() {
        Http.Reply created = AuthApi.admin("POST", REALM + "/clients", map("clientId", GRANT_CLIENT, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    static void removeGrantClient() {
        AuthApi.admin("DELETE", REALM + "/clients/" + AuthApi.clientUuid(GRANT_CLIENT), null);
    }

    @Test
    void nativeArgon2IsActiveAndSaysSoInLogServerInfoAndMetrics() throws Exception {
        JsonNode info = hashingInfo();
        assertThat(info.get("implementation").asText()).as(info.toString()).isEqualTo("native");
        assertThat(info.get("parameters").asText()).contains("type=id", "version=1.3", "memory=7168", "iterations=5");

        String log = Files.readString(AuthApi.stack().config().keycloakLogFile());
        assertThat(log).contains("app-auth argon2: hashing with native (").doesNotContain("native libargon2 unavailable");

        Http.Reply metrics = Http.get(AuthApi.stack().managementUrl() + "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("app_auth_password_hash_implementation{implementation=\"native\"} 1.0")
                .contains("app_auth_password_hash_waiting").contains("app_auth_password_hash_computed_total");

        // an unknown account's dummy hash runs through the same provider, on a worker thread like every hash
        long before = hashingInfo().get("hashes").asLong();
        assertThat(AuthApi.login(AuthApi.unique("nobody") + "@example.com", PASSWORD).status()).isEqualTo(401);
        JsonNode after = hashingInfo();
        assertThat(after.get("hashes").asLong()).isGreaterThan(before);
        assertThat(after.get("eventLoopHashes").asText()).isEqualTo("0");
    }

    @Test
    void aPasswordHashedByStockKeycloakLogsInThroughAuthAndTheTokenEndpoint() throws Exception {
        StockArgon2 stock = StockArgon2.defaults();
        String user = createUser(stock.hash(PASSWORD));

        Http.Reply login = AuthApi.login(user + "@example.com", PASSWORD);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(passwordGrant(user, PASSWORD).status()).isEqualTo(200);

        Http.Reply wrong = AuthApi.login(user + "@example.com", PASSWORD + "x");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).isEqualTo("invalid_credentials");
        // another user: two failures of one account within a second would trip the brute-force quick-login check
        String other = createUser(stock.hash(PASSWORD));
        Http.Reply wrongGrant = passwordGrant(other, "ochre pelican window 58 e\u00df");
        assertThat(wrongGrant.status()).as(wrongGrant.toString()).isEqualTo(400); // Keycloak 26.7: RFC 6749's invalid_grant
        assertThat(wrongGrant.json().get("error").asText()).isEqualTo("invalid_grant");
        // same parameters: nothing to re-hash, the stored credential stays Keycloak's
        assertThat(stock.verify(PASSWORD, storedPassword(userId(user)))).isTrue();
    }

    @Test
    void aPasswordHashedByTheBundleVerifiesWithStockKeycloaksCode() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser(PASSWORD);
        StockArgon2.Stored stored = storedPassword(user.id());

        JsonNode data = Http.JSON.readTree(stored.credentialData());
        assertThat(data.get("algorithm").asText()).isEqualTo("argon2");
        assertThat(data.get("hashIterations").asInt()).isEqualTo(5);
        assertThat(data.at("/additionalParameters/memory/0").asText()).isEqualTo("7168");
        StockArgon2 stock = StockArgon2.defaults();
        assertThat(stock.verify(PASSWORD, stored)).isTrue();
        assertThat(stock.verify(PASSWORD.substring(1), stored)).isFalse();
    }

    @Test
    void otherParametersAreRehashedOnLoginAndStockKeycloakVerifiesTheNewHash() throws Exception {
        for (StockArgon2 old : List.of(StockArgon2.with("id", "1.3", 32, 4096, 3, 1), StockArgon2.with("i", "1.0", 16, 1024, 2, 2))) {
            StockArgon2.Stored before = old.hash(PASSWORD);
            String user = createUser(before);
            String id = userId(user);
            assertThat(storedPassword(id).credentialData()).isEqualTo(before.credentialData());

            assertThat(AuthApi.login(user + "@example.com", PASSWORD).status()).isEqualTo(200);
            // Keycloak re-hashes after the login's transaction, in one of its own
            StockArgon2.Stored after = awaitChange(id, before);
            JsonNode data = Http.JSON.readTree(after.credentialData());
            assertThat(data.get("hashIterations").asInt()).isEqualTo(5);
            assertThat(data.get("additionalParameters").toString()).contains("\"memory\":[\"7168\"]", "\"type\":[\"id\"]",
                    "\"version\":[\"1.3\"]", "\"hashLength\":[\"32\"]", "\"parallelism\":[\"1\"]");
            assertThat(StockArgon2.defaults().verify(PASSWORD, after)).isTrue();

            // now up to date: the next logins (both endpoints) leave it alone
            assertThat(passwordGrant(user, PASSWORD).status()).isEqualTo(200);
            assertThat(AuthApi.login(user + "@example.com", PASSWORD).status()).isEqualTo(200);
            Thread.sleep(500);
            assertThat(storedPassword(id)).isEqualTo(after);
        }
    }

    @Test
    void aWrongPasswordDoesNotRehash() throws Exception {
        StockArgon2.Stored before = StockArgon2.with("id", "1.3", 32, 4096, 3, 1).hash(PASSWORD);
        String user = createUser(before);
        assertThat(AuthApi.login(user + "@example.com", "not " + PASSWORD).status()).isEqualTo(401);
        Thread.sleep(500);
        assertThat(storedPassword(userId(user))).isEqualTo(before);
    }

    // ---------------------------------------------------------------------------------------------

    private static JsonNode hashingInfo() {
        JsonNode serverInfo = Http.JSON.valueToTree(AuthApi.adminCall("GET", "serverinfo", null).json());
        return serverInfo.at("/providers/password-hashing/providers/argon2/operationalInfo");
    }

    /** A user created through the admin API with a password credential as stored by Keycloak (hash, no plain text). */
    private static String createUser(StockArgon2.Stored credential) {
        String username = AuthApi.unique("argon2");
        Http.Reply created = AuthApi.admin("POST", REALM + "/users", map("username", username, "email", username + "@example.com",
                "enabled", true, "emailVerified", true, "firstName", "Argon", "lastName", "Two",
                "credentials", List.of(map("type", "password", "credentialData", credential.credentialData(),
                        "secretData", credential.secretData()))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return username;
    }

    private static String userId(String username) {
        JsonNode users = AuthApi.adminGet(REALM + "/users?exact=true&username=" + username);
        assertThat(users).hasSize(1);
        return users.get(0).get("id").asText();
    }

    private static Http.Reply passwordGrant(String username, String password) {
        return Http.postForm(AuthApi.oidc("token"), Map.of("grant_type", "password", "client_id", GRANT_CLIENT,
                "username", username, "password", password, "scope", "openid"));
    }

    /** The user's password row, read from Keycloak's database. */
    private static StockArgon2.Stored storedPassword(String userId) throws SQLException {
        try (Connection c = DriverManager.getConnection(AuthApi.stack().jdbcUrl(), AuthApi.stack().dbUsername(), "");
             PreparedStatement s = c.prepareStatement("select credential_data, secret_data from credential where user_id = ? and type = 'password'")) {
            s.setString(1, userId);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("a password row for " + userId).isTrue();
                StockArgon2.Stored stored = new StockArgon2.Stored(r.getString(1), r.getString(2));
                assertThat(r.next()).as("one password row").isFalse();
                return stored;
            }
        }
    }

    private static StockArgon2.Stored awaitChange(String userId, StockArgon2.Stored before) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        StockArgon2.Stored now = storedPassword(userId);
        while (now.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = storedPassword(userId);
        }
        assertThat(now).as("re-hashed after the login").isNotEqualTo(before);
        return now;
    }
}
