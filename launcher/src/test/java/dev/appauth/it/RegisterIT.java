package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakStackExtension.class)
class RegisterIT {

    @Test
    void registerAnswersTheSeedShapeAndCreatesTheKeycloakUser() {
        String username = unique("reg");
        String email = username + "@example.com";
        Http.Reply reply = post("register", map("email", email, "password", STRONG_PASSWORD, "username", username,
                "first_name", "Ada", "last_name", "Lovelace", "profile_image_url", "https://example.com/ada.png"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        JsonNode token = reply.json().get("token");
        assertThat(token.get("access_token").asText()).isNotBlank();
        assertThat(token.get("refresh_token").asText()).isNotBlank();
        assertThat(token.get("token_type").asText()).isEqualTo("bearer");
        // Keycloak counts the lifespans down from the token's whole-second exp: a second boundary between issuing
        // and answering shows 3599, which is the realm's 3600 s all the same
        assertThat(token.get("expires_in").asInt()).isBetween(3598, 3600);
        assertThat(token.get("refresh_expires_in").asInt()).isBetween(1798, 1800);
        assertThat(token.get("scope").asText()).contains("openid").contains("email").contains("profile");
        JsonNode user = reply.json().get("user");
        assertThat(user.get("email").asText()).isEqualTo(email);
        assertThat(user.get("username").asText()).isEqualTo(username);
        assertThat(user.get("profile_image_url").asText()).isEqualTo("https://example.com/ada.png");
        assertThat(user.get("email_verified").asBoolean()).isFalse();
        assertThat(user.get("first_name").asText()).isEqualTo("Ada");
        assertThat(user.get("last_name").asText()).isEqualTo("Lovelace");
        assertThat(user.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        JsonNode stored = AuthApi.user(user.get("uuid").asText());
        assertThat(stored.get("email").asText()).isEqualTo(email);
        assertThat(stored.get("username").asText()).isEqualTo(username);
        assertThat(stored.get("enabled").asBoolean()).isTrue();
        assertThat(stored.at("/attributes/picture/0").asText()).isEqualTo("https://example.com/ada.png");
        // the tokens are ordinary Keycloak tokens
        assertThat(AuthApi.userinfo(token.get("access_token").asText()).json().get("sub").asText())
                .isEqualTo(user.get("uuid").asText());
    }

    @Test
    void userWithoutPictureHasNullProfileImage() {
        AuthApi.TestUser user = AuthApi.newUser();
        assertThat(user.registration().at("/user/profile_image_url").isNull()).isTrue();
        assertThat(user.registration().at("/user/first_name").isNull()).isTrue();
    }

    @Test
    void duplicateEmailAndUsernameAreConflicts() {
        AuthApi.TestUser existing = AuthApi.newUser();

        Http.Reply sameEmail = post("register", map("email", existing.email(), "password", STRONG_PASSWORD,
                "username", unique("other")));
        assertThat(sameEmail.status()).as(sameEmail.toString()).isEqualTo(409);
        assertThat(sameEmail.json().get("error").asText()).isEqualTo("email_taken");

        Http.Reply sameEmailOtherCase = post("register", map("email", existing.email().toUpperCase(),
                "password", STRONG_PASSWORD, "username", unique("other")));
        assertThat(sameEmailOtherCase.status()).as(sameEmailOtherCase.toString()).isEqualTo(409);

        Http.Reply sameUsername = post("register", map("email", unique("x") + "@example.com", "password", STRONG_PASSWORD,
                "username", existing.username()));
        assertThat(sameUsername.status()).as(sameUsername.toString()).isEqualTo(409);
        assertThat(sameUsername.json().get("error").asText()).isEqualTo("username_taken");
    }

    @Test
    void weakPasswordsAreRefusedWithThePolicyMessageAndNothingIsCreated() {
        String username = unique("weak");
        String email = username + "@example.com";
        for (String weak : new String[] {"short1", username, email, "password123", "qwertyuiop"}) {
            Http.Reply reply = post("register", map("email", email, "password", weak, "username", username));
            assertThat(reply.status()).as(weak + " -> " + reply).isEqualTo(400);
            assertThat(reply.json().get("error").asText()).isEqualTo("weak_password");
            assertThat(reply.json().at("/field_errors/password/0").asText()).isNotBlank().doesNotContain("Message");
        }
        // nothing was left behind: the address is still free
        Http.Reply ok = post("register", map("email", email, "password", STRONG_PASSWORD, "username", username));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    }

    @Test
    void passwordLongerThanThePolicyMaximumIsWeak() {
        Http.Reply reply = post("register", map("email", unique("long") + "@example.com", "password", "x".repeat(129) + "Y1",
                "username", unique("long")));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("weak_password");
    }

    @Test
    void invalidEmailIsAFieldError() {
        for (String bad : new String[] {"not-an-email", "a@", "@example.com", "a b@example.com"}) {
            Http.Reply reply = post("register", map("email", bad, "password", STRONG_PASSWORD, "username", unique("bad")));
            assertThat(reply.status()).as(bad + " -> " + reply).isEqualTo(400);
            assertThat(reply.json().get("error").asText()).isEqualTo("invalid_request");
            assertThat(reply.json().at("/field_errors/email").isArray()).as(reply.toString()).isTrue();
        }
    }

    @Test
    void invalidPictureUrlIsAFieldError() {
        Http.Reply reply = post("register", map("email", unique("pic") + "@example.com", "password", STRONG_PASSWORD,
                "username", unique("pic"), "profile_image_url", "javascript:alert(1)"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().at("/field_errors/profile_image_url").isArray()).as(reply.toString()).isTrue();
    }

    @Test
    void unicodePasswordsWork() {
        String password = "pässwörd-日本語-🔑-ñ";
        AuthApi.TestUser user = AuthApi.newUser(password);
        Http.Reply login = AuthApi.login(user.email(), password);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        // a different Unicode normalisation is a different password
        assertThat(AuthApi.login(user.email(), "pässwörd-日本語-🔑-ñ".toUpperCase()).status()).isEqualTo(401);
    }

    @Test
    void unknownOrNotAllowedClientIsRefused() {
        Http.Reply unknown = post("register", map("email", unique("c") + "@example.com", "password", STRONG_PASSWORD,
                "username", unique("c"), "client_id", "no-such-client"));
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).isEqualTo("invalid_client");

        Http.Reply notAllowed = post("register", map("email", unique("c") + "@example.com", "password", STRONG_PASSWORD,
                "username", unique("c"), "client_id", "app-backend"));
        assertThat(notAllowed.status()).as(notAllowed.toString()).isEqualTo(400);
        assertThat(notAllowed.json().get("error").asText()).isEqualTo("invalid_client");
    }

    /**
     * The password a registration has just set is not hashed a second time to sign the account in: the realm's
     * direct-grant flow skips its password step for it (its other steps run). A realm whose flow predates that step
     * still signs the new account in, by checking the password again.
     */
    @Test
    void aNewAccountIsSignedInWithOneHashOfItsPassword() {
        long before = hashesComputed();
        AuthApi.TestUser user = AuthApi.newUser();
        assertThat(hashesComputed() - before).isEqualTo(1);
        assertThat(AuthApi.userinfo(user.accessToken()).status()).isEqualTo(200);
        assertThat(AuthApi.events(user.id(), "LOGIN")).isNotEmpty();

        assertThat(AuthApi.admin("PUT", "app", Http.map("directGrantFlow", "direct grant")).status()).isEqualTo(204);
        try {
            long legacyBefore = hashesComputed();
            AuthApi.TestUser legacy = AuthApi.newUser();
            assertThat(hashesComputed() - legacyBefore).isEqualTo(2);
            assertThat(AuthApi.userinfo(legacy.accessToken()).status()).isEqualTo(200);
        } finally {
            assertThat(AuthApi.admin("PUT", "app", Http.map("directGrantFlow", "app direct grant")).status())
                    .isEqualTo(204);
        }
    }

    private static long hashesComputed() {
        Http.Reply metrics = Http.get(AuthApi.stack().managementUrl() + "/metrics");
        Matcher counter = Pattern.compile("(?m)^app_auth_password_hash_computed_total(?:\\{[^}]*})? (\\S+)$").matcher(metrics.body());
        assertThat(counter.find()).as("app_auth_password_hash_computed_total in /metrics").isTrue();
        return (long) Double.parseDouble(counter.group(1));
    }
}
