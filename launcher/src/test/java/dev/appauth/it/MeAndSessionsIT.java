package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET/PATCH /me and the caller's own sessions. */
@ExtendWith(KeycloakStackExtension.class)
class MeAndSessionsIT {

    @Test
    void meIsTheCallersUser() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply me = AuthApi.bearerGet("me", user.accessToken());
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json()).isEqualTo(user.registration().get("user"));
        assertThat(me.header("Cache-Control")).isEqualTo("no-store");

        assertThat(Http.get(AuthApi.url("me")).status()).isEqualTo(401);
        assertThat(AuthApi.bearerGet("me", "garbage").status()).isEqualTo(401);
        // a logged-out token is refused at once
        AuthApi.bearerPost("logout", user.accessToken(), map());
        assertThat(AuthApi.bearerGet("me", user.accessToken()).status()).isEqualTo(401);
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndNullClears() {
        AuthApi.TestUser user = AuthApi.newUser();
        String newName = unique("renamed");
        Http.Reply patched = AuthApi.send("PATCH", "me", user.accessToken(), map("first_name", "Ada", "last_name", "Lovelace",
                "profile_image_url", "https://example.com/ada.png", "username", newName));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        JsonNode body = patched.json();
        assertThat(body.get("first_name").asText()).isEqualTo("Ada");
        assertThat(body.get("last_name").asText()).isEqualTo("Lovelace");
        assertThat(body.get("profile_image_url").asText()).isEqualTo("https://example.com/ada.png");
        assertThat(body.get("username").asText()).isEqualTo(newName);
        assertThat(body.get("email").asText()).isEqualTo(user.email());

        Http.Reply cleared = AuthApi.send("PATCH", "me", user.accessToken(), map("last_name", null));
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.json().get("last_name").isNull()).isTrue();
        assertThat(cleared.json().get("first_name").asText()).isEqualTo("Ada");

        JsonNode stored = AuthApi.user(user.id());
        assertThat(stored.get("username").asText()).isEqualTo(newName);
        assertThat(stored.get("firstName").asText()).isEqualTo("Ada");
        assertThat(stored.has("lastName")).isFalse();
        assertThat(stored.at("/attributes/picture/0").asText()).isEqualTo("https://example.com/ada.png");
        assertThat(AuthApi.events(user.id(), "UPDATE_PROFILE")).isNotEmpty();
        assertThat(AuthApi.login(newName, STRONG_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void patchIsValidatedByTheRealmsUserProfile() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.TestUser other = AuthApi.newUser();

        Http.Reply taken = AuthApi.send("PATCH", "me", user.accessToken(), map("username", other.username()));
        assertThat(taken.status()).as(taken.toString()).isEqualTo(409);
        assertThat(taken.json().get("error").asText()).isEqualTo("username_taken");

        Http.Reply email = AuthApi.send("PATCH", "me", user.accessToken(), map("email", "new@example.com", "first_name", "X"));
        assertThat(email.status()).as(email.toString()).isEqualTo(400);
        assertThat(email.json().at("/field_errors/email/0").asText()).contains("/auth/me/email");

        Http.Reply picture = AuthApi.send("PATCH", "me", user.accessToken(), map("profile_image_url", "javascript:alert(1)"));
        assertThat(picture.status()).as(picture.toString()).isEqualTo(400);
        assertThat(picture.json().at("/field_errors/profile_image_url").isArray()).isTrue();

        Http.Reply shortName = AuthApi.send("PATCH", "me", user.accessToken(), map("username", "ab"));
        assertThat(shortName.status()).as(shortName.toString()).isEqualTo(400);
        assertThat(shortName.json().at("/field_errors/username").isArray()).isTrue();

        Http.Reply noUsername = AuthApi.send("PATCH", "me", user.accessToken(), map("username", null));
        assertThat(noUsername.status()).isEqualTo(400);
        Http.Reply empty = AuthApi.send("PATCH", "me", user.accessToken(), map("first_name", ""));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().at("/field_errors/first_name/0").asText()).isEqualTo("must not be empty");
        Http.Reply wrongType = AuthApi.send("PATCH", "me", user.accessToken(), map("first_name", 42));
        assertThat(wrongType.json().at("/field_errors/first_name/0").asText()).isEqualTo("must be a string");

        // nothing of it was stored
        JsonNode stored = AuthApi.user(user.id());
        assertThat(stored.get("username").asText()).isEqualTo(user.username());
        assertThat(stored.get("email").asText()).isEqualTo(user.email());
        assertThat(stored.has("firstName")).isFalse();
        assertThat(AuthApi.send("PATCH", "me", "garbage", map("first_name", "X")).status()).isEqualTo(401);
    }

    @Test
    void sessionsListsTheCallersOwnSessions() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.login(user.email(), STRONG_PASSWORD);
        AuthApi.TestUser stranger = AuthApi.newUser();

        Http.Reply reply = AuthApi.bearerGet("sessions", user.accessToken());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode sessions = reply.json();
        assertThat(sessions.isArray()).isTrue();
        assertThat(sessions).hasSize(2);
        List<String> current = new ArrayList<>();
        for (JsonNode s : sessions) {
            assertThat(s.get("id").asText()).isNotBlank();
            assertThat(s.get("ip_address").asText()).isNotBlank();
            assertThat(s.get("started_at").asText()).matches("\\d{4}-.*Z");
            assertThat(s.get("last_access_at").asText()).matches("\\d{4}-.*Z");
            assertThat(s.get("clients").toString()).contains("auth-api");
            if (s.get("current").asBoolean()) {
                current.add(s.get("id").asText());
            }
        }
        assertThat(current).hasSize(1);
        assertThat(sessions.toString()).doesNotContain(stranger.id());
        assertThat(Http.get(AuthApi.url("sessions")).status()).isEqualTo(401);
    }

    @Test
    void deleteEndsOneOwnSessionAndNeverAnotherUsers() {
        AuthApi.TestUser user = AuthApi.newUser();
        JsonNode second = AuthApi.login(user.email(), STRONG_PASSWORD).json();
        String secondRefresh = second.at("/token/refresh_token").asText();
        AuthApi.TestUser stranger = AuthApi.newUser();
        String strangersSession = AuthApi.bearerGet("sessions", stranger.accessToken()).json().get(0).get("id").asText();

        String secondId = null;
        for (JsonNode s : AuthApi.bearerGet("sessions", user.accessToken()).json()) {
            if (!s.get("current").asBoolean()) {
                secondId = s.get("id").asText();
            }
        }
        Http.Reply ended = AuthApi.send("DELETE", "sessions/" + secondId, user.accessToken(), null);
        assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
        assertThat(AuthApi.refresh(secondRefresh).status()).isEqualTo(401);
        assertThat(AuthApi.refresh(user.refreshToken()).status()).isEqualTo(200);
        assertThat(AuthApi.events(user.id(), "LOGOUT")).isNotEmpty();

        Http.Reply foreign = AuthApi.send("DELETE", "sessions/" + strangersSession, user.accessToken(), null);
        Http.Reply unknown = AuthApi.send("DELETE", "sessions/" + java.util.UUID.randomUUID(), user.accessToken(), null);
        Http.Reply gone = AuthApi.send("DELETE", "sessions/" + secondId, user.accessToken(), null);
        for (Http.Reply r : List.of(foreign, unknown, gone)) {
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.json().get("error").asText()).isEqualTo("not_found");
        }
        assertThat(foreign.body()).isEqualTo(unknown.body());
        assertThat(AuthApi.refresh(stranger.refreshToken()).status()).isEqualTo(200);
        assertThat(AuthApi.send("DELETE", "sessions/" + strangersSession, "garbage", null).status()).isEqualTo(401);
    }

    @Test
    void deletingTheCurrentSessionSignsTheCallerOut() {
        AuthApi.TestUser user = AuthApi.newUser();
        String id = AuthApi.bearerGet("sessions", user.accessToken()).json().get(0).get("id").asText();
        assertThat(AuthApi.send("DELETE", "sessions/" + id, user.accessToken(), null).status()).isEqualTo(200);
        assertThat(AuthApi.bearerGet("me", user.accessToken()).status()).isEqualTo(401);
        assertThat(AuthApi.userinfo(user.accessToken()).status()).isEqualTo(401);
    }

    @Test
    void wrongMethodsOnTheNewEndpointsAre405() {
        for (String[] call : new String[][] {{"GET", "change-password"}, {"PUT", "me"}, {"DELETE", "me"}, {"POST", "sessions"},
                {"GET", "sessions/abc"}, {"GET", "forgot-password"}, {"GET", "verify-email"}}) {
            Http.Reply reply = Http.send(Http.request(AuthApi.url(call[1]))
                    .method(call[0], java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(reply.status()).as(call[0] + " " + call[1] + " -> " + reply).isEqualTo(405);
            assertThat(reply.json().get("error").asText()).isEqualTo("method_not_allowed");
        }
        assertThat(Http.get(AuthApi.url("sessions/a/b")).status()).isEqualTo(404);
    }
}
