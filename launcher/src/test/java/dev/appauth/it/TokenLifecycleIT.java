package dev.appauth.it;

import static dev.appauth.it.AuthApi.login;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.refresh;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Refresh rotation and theft detection, and logout that really revokes. */
@ExtendWith(KeycloakStackExtension.class)
class TokenLifecycleIT {

    @Test
    void refreshRotatesAndReuseEndsTheWholeSession() {
        AuthApi.TestUser user = AuthApi.newUser();
        String first = user.refreshToken();

        Http.Reply r1 = refresh(first);
        assertThat(r1.status()).as(r1.toString()).isEqualTo(200);
        String second = r1.json().at("/token/refresh_token").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(r1.json().at("/user/uuid").asText()).isEqualTo(user.id());

        Http.Reply r2 = refresh(second);
        assertThat(r2.status()).as(r2.toString()).isEqualTo(200);
        String third = r2.json().at("/token/refresh_token").asText();
        String access = r2.json().at("/token/access_token").asText();

        // the first token comes back: someone copied it. The family dies.
        Http.Reply replay = refresh(first);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(401);
        assertThat(replay.json().get("error").asText()).isEqualTo("invalid_grant");

        assertThat(refresh(third).status()).isEqualTo(401);
        assertThat(AuthApi.userinfo(access).status()).isEqualTo(401);
        assertThat(AuthApi.userSessions(user.id())).isEmpty();
    }

    @Test
    void immediateReuseOfTheSameTokenIsDetected() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply first = refresh(user.refreshToken());
        assertThat(first.status()).isEqualTo(200);
        Http.Reply again = refresh(user.refreshToken());
        assertThat(again.status()).as(again.toString()).isEqualTo(401);
        assertThat(refresh(first.json().at("/token/refresh_token").asText()).status()).isEqualTo(401);
    }

    @Test
    void malformedForeignAndTamperedRefreshTokensAreInvalidGrant() {
        AuthApi.TestUser user = AuthApi.newUser();
        String token = user.refreshToken();
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        for (String bad : new String[] {"garbage", "a.b.c", tampered, user.accessToken()}) {
            Http.Reply reply = refresh(bad);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
            assertThat(reply.json().get("error").asText()).isEqualTo("invalid_grant");
        }
        Http.Reply wrongClient = post("refresh", map("refresh_token", token, "client_id", "app-web"));
        assertThat(wrongClient.status()).isEqualTo(401);
        // none of that harmed the genuine token
        assertThat(refresh(token).status()).isEqualTo(200);
    }

    @Test
    void logoutRevokesAccessTokenAndEndsTheSession() {
        AuthApi.TestUser user = AuthApi.newUser();
        JsonNode tokens = login(user.email(), user.password()).json().get("token");
        String access = tokens.get("access_token").asText();
        String refreshToken = tokens.get("refresh_token").asText();
        assertThat(AuthApi.userinfo(access).status()).isEqualTo(200);

        Http.Reply logout = post("logout", "{}", "Authorization", Http.bearer(access));
        assertThat(logout.status()).as(logout.toString()).isEqualTo(200);
        assertThat(logout.json().get("message").asText()).isEqualTo("Successfully logged out");

        assertThat(AuthApi.userinfo(access).status()).isEqualTo(401);
        assertThat(AuthApi.introspect(access).get("active").asBoolean()).isFalse();
        assertThat(refresh(refreshToken).status()).isEqualTo(401);
        assertThat(AuthApi.keycloakRefresh(refreshToken).status()).isEqualTo(400);
        // a second logout with the revoked token is refused
        assertThat(post("logout", "{}", "Authorization", Http.bearer(access)).status()).isEqualTo(401);
        // the registration session is untouched by a scope=current logout
        assertThat(AuthApi.userinfo(user.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void logoutWithoutBodyWorks() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply logout = Http.send(Http.request(AuthApi.url("logout"))
                .header("Authorization", Http.bearer(user.accessToken()))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(logout.status()).as(logout.toString()).isEqualTo(200);
        assertThat(AuthApi.userinfo(user.accessToken()).status()).isEqualTo(401);
    }

    @Test
    void logoutScopeAllEndsEverySession() {
        AuthApi.TestUser user = AuthApi.newUser();
        JsonNode a = login(user.email(), user.password()).json().get("token");
        JsonNode b = login(user.email(), user.password()).json().get("token");
        assertThat(AuthApi.userSessions(user.id())).hasSize(3);

        Http.Reply logout = post("logout", map("scope", "all"), "Authorization", Http.bearer(a.get("access_token").asText()));
        assertThat(logout.status()).as(logout.toString()).isEqualTo(200);

        assertThat(AuthApi.userSessions(user.id())).isEmpty();
        assertThat(AuthApi.userinfo(b.get("access_token").asText()).status()).isEqualTo(401);
        assertThat(AuthApi.userinfo(user.accessToken()).status()).isEqualTo(401);
        assertThat(refresh(b.get("refresh_token").asText()).status()).isEqualTo(401);
        assertThat(refresh(user.refreshToken()).status()).isEqualTo(401);
    }

    @Test
    void logoutNeedsAValidBearerToken() {
        for (String header : new String[] {null, "Bearer", "Bearer garbage", "Basic Zm9vOmJhcg=="}) {
            Http.Reply reply = header == null ? post("logout", "{}") : post("logout", "{}", "Authorization", header);
            assertThat(reply.status()).as(header + " -> " + reply).isEqualTo(401);
            assertThat(reply.json().get("error").asText()).isEqualTo("invalid_token");
            assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        }
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply badScope = post("logout", map("scope", "everything"), "Authorization", Http.bearer(user.accessToken()));
        assertThat(badScope.status()).isEqualTo(400);
        assertThat(badScope.json().at("/field_errors/scope").isArray()).isTrue();
        // a refused logout changed nothing
        assertThat(AuthApi.userinfo(user.accessToken()).status()).isEqualTo(200);
    }

    /**
     * /auth answers access and refresh tokens only, so it makes no ID token (ApiTokenManager); its tokens still carry
     * the openid scope and work at userinfo, and Keycloak's own token endpoint still answers an ID token for them.
     */
    @Test
    void apiTokensWorkAtKeycloaksEndpointsWhichStillIssueIdTokens() {
        AuthApi.TestUser user = AuthApi.newUser();
        JsonNode loggedIn = login(user.email(), user.password()).json().get("token");
        assertThat(loggedIn.has("id_token")).isFalse();
        assertThat(loggedIn.get("scope").asText()).contains("openid");
        assertThat(AuthApi.userinfo(loggedIn.get("access_token").asText()).json().get("sub").asText()).isEqualTo(user.id());

        JsonNode refreshed = refresh(loggedIn.get("refresh_token").asText()).json().get("token");
        assertThat(refreshed.get("scope").asText()).contains("openid");
        assertThat(AuthApi.userinfo(refreshed.get("access_token").asText()).status()).isEqualTo(200);

        Http.Reply keycloak = Http.postForm(AuthApi.stack().realmUrl("app") + "/protocol/openid-connect/token", Map.of(
                "grant_type", "refresh_token", "client_id", "auth-api", "refresh_token", refreshed.get("refresh_token").asText()));
        assertThat(keycloak.status()).as(keycloak.toString()).isEqualTo(200);
        assertThat(keycloak.json().get("id_token").asText()).isNotBlank();
    }
}
