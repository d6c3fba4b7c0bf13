package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** change-password: the current password is required; other sessions end, the caller's stays; the owner is told. */
@ExtendWith(KeycloakStackExtension.class)
class ChangePasswordIT {

    private static final String NEW_PASSWORD = "silver orchard thunder 62";

    private static Http.Reply change(String accessToken, String current, String next) {
        return AuthApi.bearerPost("change-password", accessToken, map("current_password", current, "new_password", next));
    }

    @Test
    void theRightCurrentPasswordChangesItEndsOtherSessionsAndKeepsTheCallers() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        JsonNode other = AuthApi.login(user.email(), STRONG_PASSWORD).json();
        String otherRefresh = other.at("/token/refresh_token").asText();
        String otherAccess = other.at("/token/access_token").asText();

        Http.Reply reply = change(user.accessToken(), STRONG_PASSWORD, NEW_PASSWORD);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().get("message").asText()).isNotBlank();

        assertThat(AuthApi.refresh(otherRefresh).status()).isEqualTo(401);
        assertThat(AuthApi.bearerGet("me", otherAccess).status()).isEqualTo(401);
        Http.Reply mine = AuthApi.refresh(user.refreshToken());
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        assertThat(AuthApi.bearerGet("me", user.accessToken()).status()).isEqualTo(200);

        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(401);
        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 2);
        assertThat(mail.subject()).isEqualTo("Your password was changed");
        assertThat(mail.text()).contains("App account was just changed");
        assertThat(mail.html()).contains("<p>");
        // "this was not me": a reset link (a reset ends every session) for the client the change came through
        assertThat(mail.text()).contains("reset your password now");
        assertThat(mail.link()).contains("/login-actions/action-token?key=");
        assertThat(mail.html()).contains("<a href=");
        assertThat(AuthApi.events(user.id(), "UPDATE_PASSWORD")).isNotEmpty();
    }

    @Test
    void aWrongCurrentPasswordChangesNothingAndCountsAsAFailedLogin() {
        AuthApi.TestUser user = AuthApi.newUser();
        String otherRefresh = AuthApi.login(user.email(), STRONG_PASSWORD).json().at("/token/refresh_token").asText();

        Http.Reply reply = change(user.accessToken(), "not my password at all", NEW_PASSWORD);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_credentials");

        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(200);
        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(401);
        assertThat(AuthApi.refresh(otherRefresh).status()).isEqualTo(200);
        assertThat(AuthApi.events(user.id(), "UPDATE_PASSWORD_ERROR")).isNotEmpty();
        // Keycloak's brute-force detection saw it (it records failures asynchronously)
        JsonNode status = null;
        for (int i = 0; i < 50; i++) {
            status = AuthApi.adminGet(AuthApi.REALM + "/attack-detection/brute-force/users/" + user.id());
            if (status.get("numFailures").asInt() > 0) {
                break;
            }
            Mailbox.sleep(100);
        }
        assertThat(status.get("numFailures").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theRealmsPolicyAndHistoryApply() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply weak = change(user.accessToken(), STRONG_PASSWORD, "short");
        assertThat(weak.status()).as(weak.toString()).isEqualTo(400);
        assertThat(weak.json().get("error").asText()).isEqualTo("weak_password");
        assertThat(weak.json().at("/field_errors/new_password/0").asText()).contains("8");

        Http.Reply same = change(user.accessToken(), STRONG_PASSWORD, STRONG_PASSWORD);
        assertThat(same.json().get("error").asText()).isEqualTo("weak_password");
        assertThat(same.json().at("/field_errors/new_password/0").asText()).containsIgnoringCase("last");
        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aBearerTokenIsRequired() {
        Http.Reply none = AuthApi.post("change-password", map("current_password", STRONG_PASSWORD, "new_password", NEW_PASSWORD));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).isEqualTo("invalid_token");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    }
}
