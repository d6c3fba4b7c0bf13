package dev.appauth.it;

import static dev.appauth.it.AuthApi.REALM;
import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One policy for every login path (issue 11): the realm's flows carry the bundle's authenticators, so /auth/login,
 * the token endpoint's password grant and Keycloak's login page count the same rate limit and apply the same
 * verified-email rule, and the realm's password policy refuses a listed password wherever one is set.
 */
@ExtendWith(KeycloakStackExtension.class)
class LoginPolicyIT {

    /** A client of the test's own that may use the password grant at the token endpoint (auth-api may not). */
    private static final String ROPC_CLIENT = unique("ropc");
    private static final String WEB_CLIENT = "example-web-app";

    @BeforeAll
    static void passwordGrantClient() {
        Http.Reply created = AuthApi.admin("POST", REALM + "/clients", map("clientId", ROPC_CLIENT, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    static void dropClient() {
        AuthApi.admin("DELETE", REALM + "/clients/" + AuthApi.clientUuid(ROPC_CLIENT), null);
    }

    private static Http.Reply stockPasswordGrant(String username, String password) {
        return Http.postForm(AuthApi.oidc("token"), Map.of("grant_type", "password", "client_id", ROPC_CLIENT,
                "username", username, "password", password, "scope", "openid"));
    }

    private static void withRealmRateLimits(String rules, Runnable body) {
        AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.rate-limits", rules)));
        try {
            body.run();
        } finally {
            AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.rate-limits", "")));
        }
    }

    @Test
    void theAdminApiListsTheAuthenticatorsAndTheRealmsFlowsUseThem() {
        List<String> providers = new ArrayList<>();
        AuthApi.adminGet(REALM + "/authentication/authenticator-providers").forEach(p -> providers.add(p.get("id").asText()));
        assertThat(providers).contains("app-auth-direct-grant-rate-limit", "app-auth-username-password-form",
                "app-auth-direct-grant-verified-email", "app-auth-verified-email", "app-auth-reset-choose-user");

        JsonNode realm = AuthApi.realm();
        assertThat(realm.get("browserFlow").asText()).isEqualTo("app browser");
        assertThat(realm.get("directGrantFlow").asText()).isEqualTo("app direct grant");
        assertThat(realm.get("resetCredentialsFlow").asText()).isEqualTo("app reset credentials");
        assertThat(executions("app reset credentials")).startsWith("app-auth-reset-choose-user")
                .contains("reset-credential-email", "reset-password");
        assertThat(realm.get("passwordPolicy").asText()).contains("commonPasswords").doesNotContain("passwordBlacklist");
        assertThat(executions("app direct grant")).containsSubsequence("app-auth-direct-grant-rate-limit",
                "direct-grant-validate-username", "direct-grant-validate-password", "app-auth-direct-grant-verified-email");
        assertThat(executions("app browser")).containsSubsequence("auth-cookie", "app-auth-username-password-form",
                "app-auth-verified-email").doesNotContain("auth-username-password-form");
    }

    private static List<String> executions(String flowAlias) {
        List<String> ids = new ArrayList<>();
        AuthApi.adminGet(REALM + "/authentication/flows/" + URLEncoder.encode(flowAlias, StandardCharsets.UTF_8).replace("+", "%20")
                + "/executions").forEach(e -> {
                    if (e.hasNonNull("providerId") && !"DISABLED".equals(e.get("requirement").asText())) {
                        ids.add(e.get("providerId").asText());
                    }
                });
        return ids;
    }

    @Test
    void attemptsOnAuthTheTokenEndpointAndTheLoginPageCountInOneLimit() {
        String account = unique("limited") + "@example.com";
        withRealmRateLimits("login.account=5/10m", () -> {
            assertThat(AuthApi.login(account, "wrong password 1").status()).isEqualTo(401);
            // Keycloak's token endpoint answers an unknown account 400 invalid_grant
            assertThat(stockPasswordGrant(account, "wrong password 2").status()).isEqualTo(400);
            LoginPage page = new LoginPage(WEB_CLIENT, "en");
            assertThat(page.open().status()).isEqualTo(200);
            assertThat(page.submit(account, "wrong password 3").status()).isEqualTo(200);
            assertThat(AuthApi.login(account, "wrong password 4").status()).isEqualTo(401);
            assertThat(page.submit(account, "wrong password 5").status()).isEqualTo(200);

            // the sixth attempt, on any path, is over the limit; the password is not even checked
            Http.Reply api = AuthApi.login(account, "wrong password 6");
            assertThat(api.status()).as(api.toString()).isEqualTo(429);
            assertThat(api.json().get("error").asText()).isEqualTo("rate_limited");
            assertThat(Long.parseLong(api.header("Retry-After"))).isBetween(1L, 600L);

            Http.Reply stock = stockPasswordGrant(account, "wrong password 7");
            assertThat(stock.status()).as(stock.toString()).isEqualTo(429);
            assertThat(stock.json().get("error").asText()).isEqualTo("rate_limited");
            assertThat(Long.parseLong(stock.header("Retry-After"))).isBetween(1L, 600L);

            LoginPage.Page limited = page.submit(account, "wrong password 8");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.html()).contains("Too many sign-in attempts. Please wait");
            assertThat(limited.location()).isNull();

            // another account is not affected
            AuthApi.TestUser other = AuthApi.newUser();
            assertThat(AuthApi.login(other.email(), other.password()).status()).isEqualTo(200);
        });
    }

    @Test
    void theLoginPageShowsTheLimitInTheUsersLanguageAndEvenTheRightPasswordDoesNotGetThrough() {
        AuthApi.TestUser user = AuthApi.newUser();
        withRealmRateLimits("login.account=2/10m", () -> {
            // right passwords, so Keycloak's brute-force detector stays out of it: successes count too, and the
            // sign-in of the registration was the first
            LoginPage second = new LoginPage(WEB_CLIENT, "de");
            second.open();
            assertThat(second.submit(user.username(), user.password()).status()).isEqualTo(302);
            LoginPage page = new LoginPage(WEB_CLIENT, "de");
            page.open();
            LoginPage.Page limited = page.submit(user.username(), user.password());
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.html()).contains("Zu viele Anmeldeversuche");
            assertThat(limited.location()).as("no code is issued over the limit").isNull();
            assertThat(AuthApi.login(user.username(), user.password()).status()).isEqualTo(429);
        });
        // under the normal limits again, the same account signs in on a fresh page
        LoginPage fresh = new LoginPage(WEB_CLIENT, "en");
        fresh.open();
        LoginPage.Page signedIn = fresh.submit(user.username(), user.password());
        assertThat(signedIn.status()).isEqualTo(302);
        assertThat(signedIn.location()).startsWith(LoginPage.REDIRECT_URI).contains("code=");
    }

    @Test
    void forgotPasswordOnAuthAndOnTheLoginPageCountsInOneLimit() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        withRealmRateLimits("forgot-password.account=2/10m", () -> {
            assertThat(post("forgot-password", map("email", user.email())).status()).isEqualTo(202);
            Mailbox.awaitMail(user.email(), 2);

            LoginPage page = new LoginPage(WEB_CLIENT, "en");
            LoginPage.Page form = page.forgotPassword(page.open());
            assertThat(form.status()).isEqualTo(200);
            LoginPage.Page sent = page.submitForgot(user.email());
            assertThat(sent.html()).contains("You should receive an email shortly");
            Mailbox.awaitMail(user.email(), 3);

            LoginPage again = new LoginPage(WEB_CLIENT, "de");
            again.forgotPassword(again.open());
            LoginPage.Page limited = again.submitForgot(user.email().toUpperCase(java.util.Locale.ROOT));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.html()).contains("Zu viele Anfragen zum Zurücksetzen des Passworts");
            Http.Reply api = post("forgot-password", map("email", user.email()));
            assertThat(api.status()).as(api.toString()).isEqualTo(429);
            Mailbox.assertStillOnly(user.email(), 3, java.time.Duration.ofSeconds(2));
        });
    }

    @Test
    void theVerifiedEmailRuleActsOnAuthTheTokenEndpointAndTheLoginPage() {
        AuthApi.TestUser user = AuthApi.newUser();
        String verifyToken = Mailbox.awaitMail(user.email(), 1).token();
        // the realm's switch is off: an unverified address may sign in
        assertThat(AuthApi.login(user.email(), user.password()).status()).isEqualTo(200);

        List<String> configs = verifiedEmailConfigIds();
        assertThat(configs).hasSize(2);
        configs.forEach(id -> setRequire(id, "always"));
        try {
            Http.Reply api = AuthApi.login(user.email(), user.password());
            assertThat(api.status()).as(api.toString()).isEqualTo(403);
            assertThat(api.json().get("error").asText()).isEqualTo("email_not_verified");
            // a wrong password still gets the credentials answer: the rule says nothing before the password is right
            assertThat(AuthApi.login(user.email(), "wrong password").status()).isEqualTo(401);

            Http.Reply stock = stockPasswordGrant(user.username(), user.password());
            assertThat(stock.status()).as(stock.toString()).isEqualTo(400);
            assertThat(stock.json().get("error").asText()).isEqualTo("invalid_grant");
            assertThat(stock.json().get("error_description").asText()).isEqualTo("Email address is not verified");

            LoginPage page = new LoginPage(WEB_CLIENT, "en");
            page.open();
            LoginPage.Page afterPassword = page.submit(user.username(), user.password());
            assertThat(afterPassword.status()).isEqualTo(302);
            assertThat(afterPassword.location()).as("on to Keycloak's required action, not back to the app")
                    .doesNotStartWith(LoginPage.REDIRECT_URI).contains("/login-actions/");
            LoginPage.Page verify = page.follow(afterPassword.location());
            assertThat(verify.status()).isEqualTo(200);
            assertThat(verify.location()).as("no code before the address is verified").isNull();
            assertThat(verify.html()).contains("Email verification");

            assertThat(post("verify-email", map("token", verifyToken)).status()).isEqualTo(200);
            assertThat(AuthApi.login(user.email(), user.password()).status()).isEqualTo(200);
            assertThat(stockPasswordGrant(user.username(), user.password()).status()).isEqualTo(200);
        } finally {
            configs.forEach(id -> setRequire(id, "when-realm-requires"));
        }
    }

    private static List<String> verifiedEmailConfigIds() {
        List<String> ids = new ArrayList<>();
        for (String flow : List.of("app direct grant", "app browser")) {
            AuthApi.adminGet(REALM + "/authentication/flows/" + URLEncoder.encode(flow, StandardCharsets.UTF_8).replace("+", "%20")
                    + "/executions").forEach(e -> {
                        String provider = e.path("providerId").asText();
                        if (provider.equals("app-auth-direct-grant-verified-email") || provider.equals("app-auth-verified-email")) {
                            ids.add(e.get("authenticationConfig").asText());
                        }
                    });
        }
        return ids;
    }

    private static void setRequire(String configId, String value) {
        JsonNode config = AuthApi.adminGet(REALM + "/authentication/config/" + configId);
        Map<String, Object> rep = Http.JSON.convertValue(config, Map.class);
        rep.put("config", Map.of("require", value));
        Http.Reply reply = AuthApi.admin("PUT", REALM + "/authentication/config/" + configId, rep);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(204);
    }

    @Test
    void aListedPasswordIsRefusedByTheAdminApiAsByAuth() {
        Http.Reply register = post("register", map("email", unique("listed") + "@example.com", "username", unique("listed"),
                "password", "Password123"));
        assertThat(register.status()).isEqualTo(400);
        assertThat(register.json().get("error").asText()).isEqualTo("weak_password");

        AuthApi.TestUser user = AuthApi.newUser();
        String access = AuthApi.login(user.email(), user.password()).json().at("/token/access_token").asText();
        Http.Reply change = AuthApi.bearerPost("change-password", access,
                map("current_password", user.password(), "new_password", "iloveyou123"));
        assertThat(change.status()).as(change.toString()).isEqualTo(400);
        assertThat(change.json().get("error").asText()).isEqualTo("weak_password");

        String userId = AuthApi.adminGet(REALM + "/users?email=" + user.email() + "&exact=true").get(0).get("id").asText();
        Http.Reply adminReset = AuthApi.admin("PUT", REALM + "/users/" + userId + "/reset-password",
                map("type", "password", "value", "iloveyou123", "temporary", false));
        assertThat(adminReset.status()).as(adminReset.toString()).isEqualTo(400);
        assertThat(adminReset.body()).contains("invalidPasswordBlacklistedMessage");
        assertThat(AuthApi.admin("PUT", REALM + "/users/" + userId + "/reset-password",
                map("type", "password", "value", STRONG_PASSWORD + " x", "temporary", false)).status()).isEqualTo(204);
    }
}
