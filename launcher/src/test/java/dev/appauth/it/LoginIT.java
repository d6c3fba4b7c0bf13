package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.login;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakStackExtension.class)
class LoginIT {

    @Test
    void loginAnswersTheSeedShape() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply reply = login(user.email(), user.password());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.at("/token/token_type").asText()).isEqualTo("bearer");
        assertThat(body.at("/token/expires_in").asInt()).isBetween(3590, 3600);
        assertThat(body.at("/token/access_token").asText()).isNotBlank();
        assertThat(body.at("/token/refresh_token").asText()).isNotBlank();
        assertThat(body.at("/user/uuid").asText()).isEqualTo(user.id());
        assertThat(body.at("/user/email").asText()).isEqualTo(user.email());
        assertThat(body.at("/user/username").asText()).isEqualTo(user.username());
    }

    @Test
    void loginWithUsernameWorksInEitherField() {
        AuthApi.TestUser user = AuthApi.newUser();
        assertThat(post("login", map("username", user.username(), "password", user.password())).status()).isEqualTo(200);
        assertThat(login(user.username(), user.password()).status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordUnknownEmailAndDisabledUserGetTheSameAnswer() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.TestUser disabled = AuthApi.newUser();
        AuthApi.updateUser(disabled.id(), Map.of("enabled", false));

        Http.Reply wrongPassword = login(user.email(), "not the password at all");
        Http.Reply unknown = login("nobody-" + user.username() + "@example.com", STRONG_PASSWORD);
        Http.Reply disabledRight = login(disabled.email(), disabled.password());
        Http.Reply disabledWrong = login(disabled.email(), "not the password at all");

        for (Http.Reply reply : new Http.Reply[] {wrongPassword, unknown, disabledRight, disabledWrong}) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
            assertThat(reply.body()).isEqualTo(wrongPassword.body());
        }
        assertThat(wrongPassword.json().get("error").asText()).isEqualTo("invalid_credentials");
    }

    @Test
    void bruteForceLockoutFromRealmSettingsApplies() {
        AuthApi.TestUser user = AuthApi.newUser();
        int failureFactor = AuthApi.adminGet(AuthApi.REALM).get("failureFactor").asInt();
        for (int i = 0; i < failureFactor; i++) {
            assertThat(login(user.email(), "wrong password " + i).status()).isEqualTo(401);
        }
        Http.Reply locked = login(user.email(), user.password());
        assertThat(locked.status()).as(locked.toString()).isEqualTo(401);
        assertThat(locked.json().get("error").asText()).isEqualTo("invalid_credentials");

        JsonNode status = AuthApi.adminGet("app/attack-detection/brute-force/users/" + user.id());
        assertThat(status.get("disabled").asBoolean()).as(status.toString()).isTrue();

        // the admin unlocks the account in the console; the right password works again
        assertThat(AuthApi.admin("DELETE", "app/attack-detection/brute-force/users/" + user.id(), null).status()).isEqualTo(204);
        assertThat(login(user.email(), user.password()).status()).isEqualTo(200);
    }

    @Test
    void accessTokenWorksAtKeycloakUserinfoAndRefreshTokenAtKeycloakTokenEndpoint() {
        AuthApi.TestUser user = AuthApi.newUser();
        JsonNode tokens = login(user.email(), user.password()).json().get("token");

        Http.Reply userinfo = AuthApi.userinfo(tokens.get("access_token").asText());
        assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asText()).isEqualTo(user.id());
        assertThat(userinfo.json().get("email").asText()).isEqualTo(user.email());

        Http.Reply refreshed = AuthApi.keycloakRefresh(tokens.get("refresh_token").asText());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().get("access_token").asText()).isNotBlank();

        JsonNode introspection = AuthApi.introspect(tokens.get("access_token").asText());
        assertThat(introspection.get("active").asBoolean()).as(introspection.toString()).isTrue();
    }

    @Test
    void loginEmitsKeycloakEvents() {
        AuthApi.TestUser user = AuthApi.newUser();
        login(user.email(), "wrong password here");
        login(user.email(), user.password());
        JsonNode events = AuthApi.adminGet("app/events?user=" + user.id() + "&max=20");
        assertThat(events.findValuesAsText("type")).contains("REGISTER", "LOGIN", "LOGIN_ERROR");
    }

    @Test
    void requiredActionsBlockLoginAfterTheRightPasswordOnly() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.updateUser(user.id(), Map.of("requiredActions", java.util.List.of("VERIFY_EMAIL")));

        Http.Reply wrong = login(user.email(), "not the password at all");
        assertThat(wrong.status()).isEqualTo(401);
        Http.Reply right = login(user.email(), user.password());
        assertThat(right.status()).as(right.toString()).isEqualTo(403);
        assertThat(right.json().get("error").asText()).isEqualTo("email_not_verified");

        AuthApi.updateUser(user.id(), Map.of("requiredActions", java.util.List.of("UPDATE_PASSWORD")));
        Http.Reply other = login(user.email(), user.password());
        assertThat(other.status()).as(other.toString()).isEqualTo(403);
        assertThat(other.json().get("error").asText()).isEqualTo("account_setup_required");
    }
}
