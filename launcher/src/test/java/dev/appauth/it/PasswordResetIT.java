package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.EmailVerificationIT.expectInvalidToken;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** forgot-password, reset-password, the reset token's rules and the Keycloak-hosted reset form. */
@ExtendWith(KeycloakStackExtension.class)
class PasswordResetIT {

    static final String NEW_PASSWORD = "copper lantern meadow 47";

    /** Requests a reset for the user and returns the reset mail (the user's n-th mail). */
    static Mailbox.Mail requestReset(AuthApi.TestUser user, int n) {
        // mails in flight together may arrive in any order: let the earlier ones land first
        Mailbox.awaitMail(user.email(), n - 1);
        Http.Reply reply = post("forgot-password", map("email", user.email()));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), n);
        assertThat(mail.subject()).isEqualTo("Reset your password");
        return mail;
    }

    @Test
    void forgotMailResetThenOnlyTheNewPasswordWorksAndOldSessionsAreGone() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1); // verification
        String otherRefresh = AuthApi.login(user.email(), STRONG_PASSWORD).json().at("/token/refresh_token").asText();

        Mailbox.Mail mail = requestReset(user, 2);
        assertThat(mail.text()).contains("expires in 15 minutes").contains(mail.link());
        assertThat(mail.html()).contains("Reset password");

        Http.Reply reset = post("reset-password", map("token", mail.token(), "new_password", NEW_PASSWORD));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        assertThat(reset.json().get("message").asText()).isNotBlank();

        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(401);
        assertThat(AuthApi.refresh(user.refreshToken()).status()).isEqualTo(401);
        assertThat(AuthApi.refresh(otherRefresh).status()).isEqualTo(401);
        // the mail reached its owner, so the address is verified
        assertThat(AuthApi.user(user.id()).get("emailVerified").asBoolean()).isTrue();
        assertThat(Mailbox.awaitMail(user.email(), 3).subject()).isEqualTo("Your password was changed");
        assertThat(AuthApi.events(user.id(), "SEND_RESET_PASSWORD")).isNotEmpty();
        assertThat(AuthApi.events(user.id(), "RESET_PASSWORD")).isNotEmpty();

        // second use
        expectInvalidToken(post("reset-password", map("token", mail.token(), "new_password", "another fine password 8")));
        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aWeakPasswordIsRefusedWithThePolicyMessageAndTheTokenStaysUsable() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.Mail mail = requestReset(user, 2);

        Http.Reply weak = post("reset-password", map("token", mail.token(), "new_password", "short"));
        assertThat(weak.status()).as(weak.toString()).isEqualTo(400);
        assertThat(weak.json().get("error").asText()).isEqualTo("weak_password");
        assertThat(weak.json().at("/field_errors/new_password/0").asText()).contains("8");
        // the history policy: the current password is not a new one
        Http.Reply same = post("reset-password", map("token", mail.token(), "new_password", STRONG_PASSWORD));
        assertThat(same.json().get("error").asText()).isEqualTo("weak_password");

        assertThat(post("reset-password", map("token", mail.token(), "new_password", NEW_PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void aResetTokenDiesWhenThePasswordChangesByAnotherRoute() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.Mail mail = requestReset(user, 2);
        Http.Reply changed = AuthApi.bearerPost("change-password", user.accessToken(),
                map("current_password", STRONG_PASSWORD, "new_password", NEW_PASSWORD));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

        expectInvalidToken(post("reset-password", map("token", mail.token(), "new_password", "another fine password 8")));
        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void anExpiredTokenIsInvalid() {
        AuthApi.TestUser user = AuthApi.newUser();
        String attribute = "actionTokenGeneratedByUserLifespan.reset-credentials";
        // the console's "Forgot password" override (Realm settings, Tokens) sets the reset links' lifespan
        AuthApi.updateRealm(Map.of("attributes", Map.of(attribute, "1")));
        Mailbox.Mail mail;
        try {
            mail = requestReset(user, 2);
        } finally {
            AuthApi.updateRealm(Map.of("attributes", Map.of(attribute, "")));
        }
        Mailbox.sleep(2500);
        expectInvalidToken(post("reset-password", map("token", mail.token(), "new_password", NEW_PASSWORD)));
        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(200);
        // the realm is back to its 15 minutes
        assertThat(requestReset(user, 3).text()).contains("expires in 15 minutes");
    }

    @Test
    void tamperedForeignAndOtherKindsOfTokensAreInvalidAndChangeNothing() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.TestUser other = AuthApi.newUser();
        String verificationToken = Mailbox.awaitMail(user.email(), 1).token();
        String resetToken = requestReset(user, 2).token();

        String[] parts = resetToken.split("\\.");
        String badSignature = parts[0] + "." + parts[1] + "." + flipFirst(parts[2]);
        ObjectNode claims = (ObjectNode) readPart(parts[1]);
        claims.put("sub", other.id());
        String otherUsers = parts[0] + "." + writePart(claims) + "." + parts[2];
        for (String bad : new String[] {badSignature, otherUsers, verificationToken, user.accessToken(), user.refreshToken()}) {
            expectInvalidToken(post("reset-password", map("token", bad, "new_password", NEW_PASSWORD)));
        }
        // and a reset token is useless for verification
        expectInvalidToken(post("verify-email", map("token", resetToken)));

        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(200);
        assertThat(AuthApi.login(other.email(), STRONG_PASSWORD).status()).isEqualTo(200);
        assertThat(AuthApi.user(user.id()).get("emailVerified").asBoolean()).isFalse();
        // the genuine token still works after all that
        assertThat(post("reset-password", map("token", resetToken, "new_password", NEW_PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void unknownAddressesGetTheSameAnswerAndNoMail() {
        AuthApi.TestUser user = AuthApi.newUser();
        String nobody = unique("nobody") + "@example.com";
        Http.Reply known = post("forgot-password", map("email", user.email()));
        Http.Reply unknown = post("forgot-password", map("email", nobody));
        assertThat(known.status()).isEqualTo(unknown.status()).isEqualTo(202);
        assertThat(known.body()).isEqualTo(unknown.body());
        Mailbox.awaitMail(user.email(), 2);
        Mailbox.assertStillOnly(nobody, 0, java.time.Duration.ofSeconds(1));
    }

    @Test
    void aClientsActionUrlMakesTheLinkPointToTheAppsPage() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.setClientAttribute("auth-api", "auth-api.action-url", "https://app.example.com/account/action?from=mail");
        Mailbox.Mail mail;
        try {
            mail = requestReset(user, 2);
        } finally {
            AuthApi.setClientAttribute("auth-api", "auth-api.action-url", null);
        }
        assertThat(mail.link()).startsWith("https://app.example.com/account/action?from=mail&token=").endsWith("&type=reset-password");
        // the page hands the token to the REST endpoint
        assertThat(post("reset-password", map("token", mail.token(), "new_password", NEW_PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void theHostedFormResetsThePasswordUnderTheSameRules() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.Mail mail = requestReset(user, 2);

        // Keycloak's action-token endpoint checks the token and hands over to the form
        Http.Reply redirect = Http.get(mail.link());
        assertThat(redirect.status()).as(redirect.toString()).isEqualTo(303);
        String formUrl = redirect.header("Location");
        assertThat(formUrl).contains("/realms/app/auth/reset-password-page?token=");

        Http.Reply form = Http.get(formUrl);
        assertThat(form.status()).as(form.toString()).isEqualTo(200);
        assertThat(form.header("Content-Type")).startsWith("text/html");
        assertThat(form.body()).contains("name=\"password-new\"").contains("name=\"password-confirm\"")
                .contains("Saving it signs you out on all devices.");

        Http.Reply mismatch = postForm(formUrl, NEW_PASSWORD, "something else entirely");
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.body()).contains("Passwords don&#39;t match.");
        Http.Reply weak = postForm(formUrl, "short", "short");
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.body()).contains("Invalid password: minimum length 8.");

        Http.Reply done = postForm(formUrl, NEW_PASSWORD, NEW_PASSWORD);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.body()).contains("Your password has been changed.");
        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
        assertThat(AuthApi.refresh(user.refreshToken()).status()).isEqualTo(401);

        // spent: the link, the form and the REST endpoint all refuse it now
        assertThat(Http.get(mail.link()).status()).isEqualTo(400);
        Http.Reply reused = Http.get(formUrl);
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.body()).contains("This link is invalid, has expired or was already used.");
        expectInvalidToken(post("reset-password", map("token", mail.token(), "new_password", "another fine password 8")));
    }

    @Test
    void theHostedFormSpeaksTheUsersLanguage() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        AuthApi.updateUser(user.id(), Map.of("attributes", Map.of("locale", java.util.List.of("de"))));
        Http.Reply reply = post("forgot-password", map("email", user.email()));
        assertThat(reply.status()).isEqualTo(202);
        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 2);
        assertThat(mail.subject()).isEqualTo("Passwort zurücksetzen");
        assertThat(mail.text()).contains("Der Link funktioniert einmal und ist 15 Minuten gültig.");

        Http.Reply form = Http.get(Http.get(mail.link()).header("Location"));
        assertThat(form.body()).contains("Beim Speichern werden Sie auf allen Geräten abgemeldet.");
    }

    static Http.Reply postForm(String url, String password, String confirmation) {
        String body = "password-new=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&password-confirm=" + URLEncoder.encode(confirmation, StandardCharsets.UTF_8);
        return Http.send(Http.request(url).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String flipFirst(String base64url) {
        char c = base64url.charAt(0);
        return (c == 'A' ? 'B' : 'A') + base64url.substring(1);
    }

    private static JsonNode readPart(String part) {
        try {
            return Http.JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String writePart(JsonNode node) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Http.write(node).getBytes(StandardCharsets.UTF_8));
    }
}
