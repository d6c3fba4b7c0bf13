package dev.appauth.it;

import static dev.appauth.it.AuthApi.REALM;
import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API keeps Keycloak's contract: the realm's "Require SSL", client policies and required-action triggers
 * apply to /auth as they do to Keycloak's token endpoint, and outcomes do not depend on Keycloak's texts.
 * Each test changes the shared realm and puts it back.
 */
@ExtendWith(KeycloakStackExtension.class)
class KeycloakContractIT {

    private static final String PUBLIC_IP = "203.0.113.7";

    @Test
    void requireSslAppliesToEveryEndpointAsToTheTokenEndpoint() {
        AuthApi.TestUser user = AuthApi.newUser();
        try {
            AuthApi.updateRealm(Map.of("sslRequired", "all"));
            for (String path : List.of("login", "register", "refresh", "forgot-password", "me", "openapi.json")) {
                Http.Reply reply = path.equals("openapi.json") || path.equals("me") ? Http.get(AuthApi.url(path))
                        : post(path, map("email", user.email(), "password", user.password()));
                assertThat(reply.status()).as(path + " " + reply).isEqualTo(403);
                assertThat(reply.json().get("error").asText()).isEqualTo("https_required");
            }
            Http.Reply stock = Http.postForm(AuthApi.oidc("token"), Map.of("grant_type", "password", "client_id", "auth-api",
                    "username", user.email(), "password", user.password()));
            assertThat(stock.status()).as(stock.toString()).isEqualTo(403);

            // "external": loopback callers pass, a caller seen through the trusted proxy header as public does not
            AuthApi.updateRealm(Map.of("sslRequired", "external"));
            assertThat(AuthApi.login(user.email(), user.password()).status()).isEqualTo(200);
            Http.Reply external = post("login", map("email", user.email(), "password", user.password()),
                    "X-Forwarded-For", PUBLIC_IP);
            assertThat(external.status()).as(external.toString()).isEqualTo(403);
            assertThat(external.json().get("error").asText()).isEqualTo("https_required");
            assertThat(external.body()).doesNotContain("access_token");
        } finally {
            AuthApi.updateRealm(Map.of("sslRequired", "external"));
        }
    }

    /**
     * auth-api is the API's own client: Keycloak's token endpoint refuses the password grant for it, so the API's
     * rate limits and rules cannot be skipped by calling Keycloak directly; its refresh tokens still refresh there.
     */
    @Test
    void theStockPasswordGrantIsRefusedForTheApisClient() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply stock = Http.postForm(AuthApi.oidc("token"), Map.of("grant_type", "password", "client_id", "auth-api",
                "username", user.email(), "password", user.password()));
        assertError(stock, 400, "unauthorized_client");
        assertThat(stock.body()).doesNotContain("access_token");
        assertThat(AuthApi.login(user.email(), user.password()).status()).isEqualTo(200);
        assertThat(AuthApi.keycloakRefresh(user.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void aRequiredActionTriggerActsOnRegisterAsOnLogin() {
        String alias = "TERMS_AND_CONDITIONS";
        Map<String, Object> before = requiredAction(alias);
        try {
            putRequiredAction(alias, true, true);
            String email = AuthApi.unique("terms") + "@example.com";
            Http.Reply register = post("register", map("email", email, "password", STRONG_PASSWORD,
                    "username", AuthApi.unique("terms")));
            assertThat(register.status()).as(register.toString()).isEqualTo(403);
            assertThat(register.json().get("error").asText()).isEqualTo("account_setup_required");
            assertThat(register.body()).doesNotContain("access_token");
            // the account exists; its logins get the same answer until the action is done
            Http.Reply login = AuthApi.login(email, STRONG_PASSWORD);
            assertThat(login.status()).as(login.toString()).isEqualTo(403);
            assertThat(login.json().get("error").asText()).isEqualTo("account_setup_required");
        } finally {
            putRequiredAction(alias, Boolean.TRUE.equals(before.get("enabled")), Boolean.TRUE.equals(before.get("defaultAction")));
        }
    }

    @Test
    void aClientPolicyActsOnRegisterAsOnLogin() {
        String clientId = AuthApi.unique("policy-client");
        Http.Reply created = AuthApi.admin("POST", REALM + "/clients", map("clientId", clientId, "publicClient", true,
                "directAccessGrantsEnabled", true, "attributes", map("auth-api.allowed", "true", "contract-test", "true")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode profilesBefore = AuthApi.adminGet(REALM + "/client-policies/profiles");
        JsonNode policiesBefore = AuthApi.adminGet(REALM + "/client-policies/policies");
        try {
            AuthApi.TestUser existing = AuthApi.newUser();
            assertThat(post("login", map("email", existing.email(), "password", existing.password(), "client_id", clientId))
                    .status()).isEqualTo(200);

            put("client-policies/profiles", map("profiles", List.of(map("name", "contract-no-ropc",
                    "executors", List.of(map("executor", "reject-ropc-grant", "configuration", map()))))));
            put("client-policies/policies", map("policies", List.of(map("name", "contract-no-ropc", "enabled", true,
                    "conditions", List.of(map("condition", "client-attributes", "configuration",
                            map("attributes", "[{\"key\":\"contract-test\",\"value\":\"true\"}]"))),
                    "profiles", List.of("contract-no-ropc")))));

            Http.Reply login = post("login", map("email", existing.email(), "password", existing.password(), "client_id", clientId));
            assertThat(login.status()).as(login.toString()).isEqualTo(403);
            assertThat(login.json().get("error").asText()).isEqualTo("access_denied");
            Http.Reply register = post("register", map("email", AuthApi.unique("policy") + "@example.com",
                    "password", STRONG_PASSWORD, "username", AuthApi.unique("policy"), "client_id", clientId));
            assertThat(register.status()).as(register.toString()).isEqualTo(403);
            assertThat(register.json().get("error").asText()).isEqualTo("access_denied");
            assertThat(register.body()).doesNotContain("access_token");
            // other clients are untouched by the policy
            assertThat(AuthApi.login(existing.email(), existing.password()).status()).isEqualTo(200);
        } finally {
            put("client-policies/policies", policiesBefore);
            put("client-policies/profiles", profilesBefore);
            AuthApi.admin("DELETE", REALM + "/clients/" + AuthApi.clientUuid(clientId), null);
        }
    }

    /** The answers are decided on Keycloak's codes, so a realm speaking German answers the same. */
    @Test
    void loginOutcomesDoNotDependOnTheRealmsLanguage() {
        JsonNode realm = AuthApi.realm();
        try {
            AuthApi.updateRealm(Map.of("internationalizationEnabled", true, "supportedLocales", List.of("de", "en"),
                    "defaultLocale", "de"));
            loginCasesAnswerByCode();
        } finally {
            AuthApi.updateRealm(map("internationalizationEnabled", realm.path("internationalizationEnabled").asBoolean(false),
                    "supportedLocales", Http.JSON.convertValue(realm.path("supportedLocales"), List.class),
                    "defaultLocale", realm.path("defaultLocale").isMissingNode() ? "" : realm.path("defaultLocale").asText()));
        }
    }

    private static void loginCasesAnswerByCode() {
        AuthApi.TestUser user = AuthApi.newUser();
        assertThat(AuthApi.login(user.email(), user.password()).status()).isEqualTo(200);
        assertError(AuthApi.login(user.email(), "wrong " + user.password()), 401, "invalid_credentials");
        assertError(AuthApi.login(AuthApi.unique("nobody") + "@example.com", user.password()), 401, "invalid_credentials");

        AuthApi.TestUser pending = AuthApi.newUser();
        AuthApi.updateUser(pending.id(), Map.of("requiredActions", List.of("UPDATE_PROFILE")));
        assertError(AuthApi.login(pending.email(), pending.password()), 403, "account_setup_required");

        AuthApi.TestUser unverified = AuthApi.newUser();
        AuthApi.updateUser(unverified.id(), Map.of("requiredActions", List.of("VERIFY_EMAIL")));
        assertError(AuthApi.login(unverified.email(), unverified.password()), 403, "email_not_verified");

        AuthApi.TestUser disabled = AuthApi.newUser();
        AuthApi.updateUser(disabled.id(), Map.of("enabled", false));
        assertError(AuthApi.login(disabled.email(), disabled.password()), 401, "invalid_credentials");

        // a refresh token rotated away at Keycloak's own endpoint and replayed at /auth ends the family
        AuthApi.TestUser rotated = AuthApi.newUser();
        Http.Reply atKeycloak = AuthApi.keycloakRefresh(rotated.refreshToken());
        assertThat(atKeycloak.status()).as(atKeycloak.toString()).isEqualTo(200);
        assertError(AuthApi.refresh(rotated.refreshToken()), 401, "invalid_grant");
        assertThat(AuthApi.refresh(atKeycloak.json().get("refresh_token").asText()).status()).isEqualTo(401);
        assertThat(AuthApi.userSessions(rotated.id())).isEmpty();
    }

    private static void assertError(Http.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).as(reply.toString()).isEqualTo(error);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> requiredAction(String alias) {
        Http.Reply reply = AuthApi.admin("GET", REALM + "/authentication/required-actions/" + alias, null);
        if (reply.status() == 404) {
            Http.Reply registered = AuthApi.admin("POST", REALM + "/authentication/register-required-action",
                    map("providerId", alias, "name", alias));
            assertThat(registered.status()).as(registered.toString()).isEqualTo(204);
            reply = AuthApi.admin("GET", REALM + "/authentication/required-actions/" + alias, null);
        }
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return Http.JSON.convertValue(reply.json(), Map.class);
    }

    private static void putRequiredAction(String alias, boolean enabled, boolean defaultAction) {
        Map<String, Object> action = requiredAction(alias);
        action.put("enabled", enabled);
        action.put("defaultAction", defaultAction);
        Http.Reply reply = AuthApi.admin("PUT", REALM + "/authentication/required-actions/" + alias, action);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(204);
    }

    private static void put(String path, Object body) {
        Http.Reply reply = AuthApi.admin("PUT", REALM + "/" + path, body);
        assertThat(reply.status()).as(path + " " + reply).isEqualTo(204);
    }
}
