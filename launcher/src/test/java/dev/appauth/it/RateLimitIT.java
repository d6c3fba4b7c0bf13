package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rate limits per client IP and per account, set for one realm through its
 * auth-api.rate-limits attribute. Client IPs come from X-Forwarded-For, which the test
 * stack trusts from loopback only (--proxy-headers=xforwarded).
 */
@ExtendWith(KeycloakStackExtension.class)
class RateLimitIT {

    private static final String REALM = unique("limits");

    @BeforeAll
    static void realmWithLowLimits() {
        Http.Reply created = AuthApi.admin("POST", "", map(
                // the test's client addresses are public ones (documentation ranges): no "Require SSL" over loopback HTTP
                "realm", REALM, "enabled", true, "bruteForceProtected", false, "sslRequired", "none",
                "attributes", Map.of("auth-api.rate-limits",
                        "register.ip=3/1m,register.account=off,login.ip=5/1m,login.account=2/1m,refresh.ip=2/1m,"
                                + "forgot-password.account=2/1m,resend-verification.account=2/1m,reset-password.ip=2/1m,"
                                + "verify-email.ip=2/1m,change-password.account=2/1m"),
                "clients", List.of(map("clientId", "auth-api", "publicClient", true, "directAccessGrantsEnabled", true,
                        "standardFlowEnabled", false))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    static void dropRealm() {
        AuthApi.admin("DELETE", REALM, null);
    }

    private static Http.Reply post(String path, Object body, String ip, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "X-Forwarded-For";
        all[1] = ip;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.postJson(KeycloakStackExtension.stack().realmUrl(REALM) + "/auth/" + path, body, all);
    }

    private static Http.Reply register(String ip) {
        String username = unique("rl");
        return post("register", map("email", username + "@example.com", "password", STRONG_PASSWORD, "username", username,
                "first_name", "Rate", "last_name", "Limit"), ip);
    }

    private static void assertLimited(Http.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(429);
        JsonNode body = reply.json();
        assertThat(body.get("error").asText()).isEqualTo("rate_limited");
        assertThat(body.get("error_description").asText()).contains("try again");
        assertThat(Long.parseLong(reply.header("Retry-After"))).isBetween(1L, 60L);
    }

    @Test
    void theRequestAfterTheLimitPerIpIsRefusedAndOtherIpsAreNot() {
        String ip = "203.0.113.10";
        for (int i = 0; i < 3; i++) {
            Http.Reply ok = register(ip);
            assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        }
        assertLimited(register(ip));
        assertLimited(register(ip));
        assertThat(register("203.0.113.11").status()).isEqualTo(201);
    }

    @Test
    void loginIsLimitedPerAccountAcrossIpsWhetherOrNotTheAccountExists() {
        JsonNode user = register("198.51.100.1").json().get("user");
        String email = user.get("email").asText();
        assertThat(post("login", map("email", email, "password", STRONG_PASSWORD), "198.51.100.2").status()).isEqualTo(200);
        assertThat(post("login", map("email", email, "password", "wrong password!"), "198.51.100.3").status()).isEqualTo(401);
        // third attempt on the account, from yet another address, even with the right password
        assertLimited(post("login", map("email", email, "password", STRONG_PASSWORD), "198.51.100.4"));
        // the account key is case-insensitive
        assertLimited(post("login", map("email", email.toUpperCase(), "password", STRONG_PASSWORD), "198.51.100.5"));

        String nobody = unique("nobody") + "@example.com";
        assertThat(post("login", map("email", nobody, "password", "whatever password"), "198.51.100.6").status()).isEqualTo(401);
        assertThat(post("login", map("email", nobody, "password", "whatever password"), "198.51.100.7").status()).isEqualTo(401);
        Http.Reply unknownLimited = post("login", map("email", nobody, "password", "whatever password"), "198.51.100.8");
        assertLimited(unknownLimited);
    }

    @Test
    void loginIsLimitedPerIpAcrossAccounts() {
        String ip = "192.0.2.77";
        for (int i = 0; i < 5; i++) {
            assertThat(post("login", map("email", unique("x") + "@example.com", "password", "whatever password"), ip).status())
                    .isEqualTo(401);
        }
        assertLimited(post("login", map("email", unique("x") + "@example.com", "password", "whatever password"), ip));
    }

    @Test
    void limitedRequestsChangeNothing() {
        String ip = "192.0.2.200";
        JsonNode first = register(ip).json().get("token");
        String refreshToken = first.get("refresh_token").asText();
        Http.Reply r1 = post("refresh", map("refresh_token", refreshToken), ip);
        assertThat(r1.status()).isEqualTo(200);
        String next = r1.json().at("/token/refresh_token").asText();
        assertThat(post("refresh", map("refresh_token", next), ip).status()).isEqualTo(200);
        // the third refresh from this address is refused before the token is looked at: the old one is not spent
        assertLimited(post("refresh", map("refresh_token", "anything"), ip));
    }

    @Test
    void forgotAndResendAreLimitedPerAccountForKnownAndUnknownAddressesAlike() {
        String known = register("198.51.100.20").json().at("/user/email").asText();
        String unknown = unique("nobody") + "@example.com";
        for (String endpoint : List.of("forgot-password", "resend-verification")) {
            for (String email : List.of(known, unknown)) {
                for (int i = 0; i < 2; i++) {
                    Http.Reply ok = post(endpoint, map("email", email), "198.51.100." + (30 + i));
                    assertThat(ok.status()).as(endpoint + " " + ok).isEqualTo(202);
                }
                assertLimited(post(endpoint, map("email", email), "198.51.100.40"));
            }
        }
    }

    @Test
    void tokenEndpointsAreLimitedPerIpBeforeTheTokenIsLookedAt() {
        for (String endpoint : List.of("reset-password", "verify-email")) {
            String ip = "192.0.2." + (endpoint.length() + 100);
            for (int i = 0; i < 2; i++) {
                Http.Reply bad = post(endpoint, map("token", "not-a-token", "new_password", STRONG_PASSWORD), ip);
                assertThat(bad.status()).as(endpoint + " " + bad).isEqualTo(400);
            }
            assertLimited(post(endpoint, map("token", "not-a-token", "new_password", STRONG_PASSWORD), ip));
        }
    }

    @Test
    void changePasswordIsLimitedPerAccountAcrossIps() {
        JsonNode registered = register("198.51.100.50").json();
        String access = registered.at("/token/access_token").asText();
        for (int i = 0; i < 2; i++) {
            Http.Reply wrong = post("change-password", map("current_password", "wrong password " + i, "new_password", STRONG_PASSWORD + "x"),
                    "198.51.100." + (51 + i), "Authorization", Http.bearer(access));
            assertThat(wrong.status()).as(wrong.toString()).isEqualTo(401);
        }
        assertLimited(post("change-password", map("current_password", STRONG_PASSWORD, "new_password", STRONG_PASSWORD + "x"),
                "198.51.100.60", "Authorization", Http.bearer(access)));
    }
}
