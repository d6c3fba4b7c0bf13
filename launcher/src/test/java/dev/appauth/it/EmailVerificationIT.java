package dev.appauth.it;

import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Register sends the verification mail; verify-email, resend-verification and the Keycloak-hosted verify page. */
@ExtendWith(KeycloakStackExtension.class)
class EmailVerificationIT {

    @Test
    void registerMailsAVerificationLinkThatVerifiesTheAddressOnce() {
        AuthApi.TestUser user = AuthApi.newUser();
        assertThat(user.registration().at("/user/email_verified").asBoolean()).isFalse();

        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 1);
        // no locale attribute: the realm default (en)
        assertThat(mail.subject()).isEqualTo("Verify your email address");
        assertThat(mail.text()).contains("Welcome to App!").contains("expires in 15 minutes").contains(mail.link());
        assertThat(mail.html()).contains("<a href=\"").contains("Verify email address");
        // no app page configured for auth-api: the link opens Keycloak's action-token endpoint
        assertThat(mail.link()).startsWith(KeycloakStackExtension.stack().realmUrl("app") + "/login-actions/action-token?key=")
                .contains("client_id=auth-api");

        Http.Reply verified = post("verify-email", map("token", mail.token()));
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.json().get("message").asText()).isNotBlank();
        assertThat(verified.json().at("/user/email_verified").asBoolean()).isTrue();
        assertThat(verified.json().at("/user/uuid").asText()).isEqualTo(user.id());
        assertThat(AuthApi.user(user.id()).get("emailVerified").asBoolean()).isTrue();
        assertThat(AuthApi.events(user.id(), "VERIFY_EMAIL")).isNotEmpty();
        assertThat(AuthApi.events(user.id(), "SEND_VERIFY_EMAIL")).isNotEmpty();

        Http.Reply again = post("verify-email", map("token", mail.token()));
        expectInvalidToken(again);
    }

    @Test
    void germanUserGetsTheGermanMail() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        AuthApi.updateUser(user.id(), Map.of("attributes", Map.of("locale", List.of("de"))));

        Http.Reply resent = post("resend-verification", map("email", user.email()));
        assertThat(resent.status()).as(resent.toString()).isEqualTo(202);
        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 2);
        assertThat(mail.subject()).isEqualTo("Bestätigen Sie Ihre E-Mail-Adresse");
        assertThat(mail.text()).contains("Willkommen bei App!").contains("15 Minuten gültig");
        assertThat(mail.html()).contains("E-Mail-Adresse bestätigen");

        Http.Reply verified = post("verify-email", map("token", mail.token()));
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    }

    @Test
    void aTokenIsBoundToTheAddressItWasSentTo() {
        AuthApi.TestUser user = AuthApi.newUser();
        String token = Mailbox.awaitMail(user.email(), 1).token();
        AuthApi.updateUser(user.id(), Map.of("email", unique("moved") + "@example.com"));

        expectInvalidToken(post("verify-email", map("token", token)));
        assertThat(AuthApi.user(user.id()).get("emailVerified").asBoolean()).isFalse();
    }

    @Test
    void theHostedPageVerifiesAndThenSaysItIsDone() {
        AuthApi.TestUser user = AuthApi.newUser();
        String link = Mailbox.awaitMail(user.email(), 1).link();

        Http.Reply page = Http.get(link);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("Your email address has been verified.");
        assertThat(AuthApi.user(user.id()).get("emailVerified").asBoolean()).isTrue();

        // opened again (or first by a mail scanner): the address is verified, which is all the user wants to know
        Http.Reply again = Http.get(link);
        assertThat(again.body()).contains("Your email address has been verified already.");
        // and the REST endpoint refuses the spent token: one record for both ends
        expectInvalidToken(post("verify-email", map("token", Mailbox.all(user.email()).get(0).token())));
    }

    @Test
    void resendHasAPerAddressCooldownThatAnswersTheSame() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);

        Http.Reply first = post("resend-verification", map("email", user.email()));
        Mailbox.awaitMail(user.email(), 2);
        Http.Reply second = post("resend-verification", map("email", user.email().toUpperCase()));
        assertThat(second.status()).isEqualTo(first.status()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        Mailbox.assertStillOnly(user.email(), 2, Duration.ofSeconds(2));
    }

    @Test
    void resendWithABearerTokenUsesTheCallersAddress() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);

        Http.Reply reply = AuthApi.bearerPost("resend-verification", user.accessToken(), map());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 2);
        assertThat(mail.subject()).isEqualTo("Verify your email address");

        expectInvalidToken(AuthApi.bearerPost("resend-verification", "not-a-token", map()), 401);
    }

    @Test
    void resendForAVerifiedOrUnknownAddressAnswersTheSameAndSendsNothing() {
        AuthApi.TestUser user = AuthApi.newUser();
        String token = Mailbox.awaitMail(user.email(), 1).token();
        assertThat(post("verify-email", map("token", token)).status()).isEqualTo(200);

        Http.Reply verified = post("resend-verification", map("email", user.email()));
        String nobody = unique("nobody") + "@example.com";
        Http.Reply unknown = post("resend-verification", map("email", nobody));
        assertThat(verified.status()).isEqualTo(unknown.status()).isEqualTo(202);
        assertThat(verified.body()).isEqualTo(unknown.body());
        Mailbox.assertStillOnly(user.email(), 1, Duration.ofSeconds(2));
        assertThat(Mailbox.all(nobody)).isEmpty();
    }

    @Test
    void badTokensAreInvalidTokens() {
        for (String bad : List.of("x", "a.b.c", "eyJhbGciOiJIUzUxMiJ9.e30.AAAA", "x".repeat(5000))) {
            expectInvalidToken(post("verify-email", map("token", bad)));
        }
        AuthApi.TestUser user = AuthApi.newUser();
        // an access token is a signed token of the realm, but not an action token
        expectInvalidToken(post("verify-email", map("token", user.accessToken())));
        assertThat(AuthApi.user(user.id()).get("emailVerified").asBoolean()).isFalse();
    }

    @Test
    void expiredTamperedAndForeignVerificationTokensChangeNothing() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.TestUser other = AuthApi.newUser();
        String genuine = Mailbox.awaitMail(user.email(), 1).token();
        String[] parts = genuine.split("\\.");
        String badSignature = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace(user.id(), other.id()).replace(user.email(), other.email());
        String othersClaims = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        expectInvalidToken(post("verify-email", map("token", badSignature)));
        expectInvalidToken(post("verify-email", map("token", othersClaims)));
        assertThat(AuthApi.user(other.id()).get("emailVerified").asBoolean()).isFalse();

        // the console's "Email verification" override (Realm settings, Tokens) sets the verification links' lifespan
        String attribute = "actionTokenGeneratedByUserLifespan.verify-email";
        AuthApi.updateRealm(Map.of("attributes", Map.of(attribute, "1")));
        String shortLived;
        try {
            assertThat(post("resend-verification", map("email", user.email())).status()).isEqualTo(202);
            shortLived = Mailbox.awaitMail(user.email(), 2).token();
        } finally {
            AuthApi.updateRealm(Map.of("attributes", Map.of(attribute, "")));
        }
        Mailbox.sleep(2500);
        expectInvalidToken(post("verify-email", map("token", shortLived)));
        assertThat(AuthApi.user(user.id()).get("emailVerified").asBoolean()).isFalse();

        // the genuine one still works
        assertThat(post("verify-email", map("token", genuine)).status()).isEqualTo(200);
    }

    static void expectInvalidToken(Http.Reply reply) {
        expectInvalidToken(reply, 400);
    }

    static void expectInvalidToken(Http.Reply reply, int status) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        JsonNode body = reply.json();
        assertThat(body.get("error").asText()).isEqualTo("invalid_token");
        assertThat(body.get("error_description").asText()).isNotBlank();
    }
}
