package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secure email change (issue 13): POST /auth/me/email with the current password mails a confirmation link to the
 * new address and a notice with a cancel link to the old one; the address changes only on confirmation, which ends
 * the other sessions; the cancel link cancels a waiting change or, after a confirmation, puts the old address back,
 * ends every session and mails a reset link. Links work once; a newer request or a cancel ends older links.
 */
@ExtendWith(KeycloakStackExtension.class)
class EmailChangeIT {

    private static Http.Reply requestChange(String accessToken, String email, String password) {
        return AuthApi.bearerPost("me/email", accessToken, map("email", email, "password", password));
    }

    private static void assertError(Http.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).as(reply.toString()).isEqualTo(error);
    }

    private static String newAddress() {
        return AuthApi.unique("moved") + "@example.org";
    }

    @Test
    void theNewAddressConfirmsTheChangeAndOtherSessionsEnd() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        String otherRefresh = AuthApi.login(user.email(), STRONG_PASSWORD).json().at("/token/refresh_token").asText();
        String next = newAddress();

        Http.Reply requested = requestChange(user.accessToken(), next.toUpperCase(), STRONG_PASSWORD);
        assertThat(requested.status()).as(requested.toString()).isEqualTo(202);
        Mailbox.Mail notice = Mailbox.awaitMail(user.email(), 2);
        assertThat(notice.subject()).isEqualTo("Your email address is about to change");
        assertThat(notice.text()).contains(next).contains("cancels the change");
        Mailbox.Mail confirmation = Mailbox.awaitMail(next, 1);
        assertThat(confirmation.subject()).isEqualTo("Confirm your new email address");
        assertThat(confirmation.html()).contains("<a href=");
        // nothing changed yet
        assertThat(AuthApi.bearerGet("me", user.accessToken()).json().get("email").asText()).isEqualTo(user.email());
        assertThat(AuthApi.events(user.id(), "SEND_VERIFY_EMAIL")).isNotEmpty();

        Http.Reply confirmed = AuthApi.post("confirm-email-change", map("token", confirmation.token()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        assertThat(confirmed.json().at("/user/email").asText()).isEqualTo(next);
        assertThat(confirmed.json().at("/user/email_verified").asBoolean()).isTrue();
        assertThat(AuthApi.user(user.id()).get("email").asText()).isEqualTo(next);
        assertThat(AuthApi.events(user.id(), "UPDATE_EMAIL")).isNotEmpty();

        assertThat(AuthApi.refresh(otherRefresh).status()).isEqualTo(401);
        assertThat(AuthApi.refresh(user.refreshToken()).status()).isEqualTo(200);
        assertThat(AuthApi.login(next, STRONG_PASSWORD).status()).isEqualTo(200);
        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(401);
        assertError(AuthApi.post("confirm-email-change", map("token", confirmation.token())), 400, "invalid_token");
    }

    @Test
    void theOldAddressCancelsAWaitingChange() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        String next = newAddress();
        assertThat(requestChange(user.accessToken(), next, STRONG_PASSWORD).status()).isEqualTo(202);
        String cancel = Mailbox.awaitMail(user.email(), 2).token();
        String confirm = Mailbox.awaitMail(next, 1).token();

        // a token of one kind is not the other
        assertError(AuthApi.post("confirm-email-change", map("token", cancel)), 400, "invalid_token");
        Http.Reply cancelled = AuthApi.post("cancel-email-change", map("token", cancel));
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("outcome").asText()).isEqualTo("waiting_change_cancelled");
        assertError(AuthApi.post("confirm-email-change", map("token", confirm)), 400, "invalid_token");
        assertError(AuthApi.post("cancel-email-change", map("token", cancel)), 400, "invalid_token");
        assertThat(AuthApi.user(user.id()).get("email").asText()).isEqualTo(user.email());
        assertThat(AuthApi.refresh(user.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void afterATakeoverTheOldAddressGetsTheAccountBack() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        String attacker = newAddress();
        assertThat(requestChange(user.accessToken(), attacker, STRONG_PASSWORD).status()).isEqualTo(202);
        String cancel = Mailbox.awaitMail(user.email(), 2).token();
        assertThat(AuthApi.post("confirm-email-change", map("token", Mailbox.awaitMail(attacker, 1).token())).status()).isEqualTo(200);
        String attackerRefresh = AuthApi.login(attacker, STRONG_PASSWORD).json().at("/token/refresh_token").asText();

        Http.Reply restored = AuthApi.post("cancel-email-change", map("token", cancel));
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
        assertThat(restored.json().get("outcome").asText()).isEqualTo("old_address_restored");
        assertThat(AuthApi.user(user.id()).get("email").asText()).isEqualTo(user.email());
        assertThat(AuthApi.refresh(attackerRefresh).status()).isEqualTo(401);
        assertThat(AuthApi.refresh(user.refreshToken()).status()).isEqualTo(401);
        assertThat(AuthApi.login(attacker, STRONG_PASSWORD).status()).isEqualTo(401);
        Mailbox.Mail reset = Mailbox.awaitMail(user.email(), 3);
        assertThat(reset.subject()).isEqualTo("Reset your password");
        assertError(AuthApi.post("cancel-email-change", map("token", cancel)), 400, "invalid_token");
    }

    @Test
    void aNewerRequestEndsTheLinksOfAnOlderOne() {
        AuthApi.TestUser user = AuthApi.newUser();
        String first = newAddress();
        String second = newAddress();
        assertThat(requestChange(user.accessToken(), first, STRONG_PASSWORD).status()).isEqualTo(202);
        String firstConfirm = Mailbox.awaitMail(first, 1).token();
        assertThat(requestChange(user.accessToken(), second, STRONG_PASSWORD).status()).isEqualTo(202);
        String secondConfirm = Mailbox.awaitMail(second, 1).token();

        assertError(AuthApi.post("confirm-email-change", map("token", firstConfirm)), 400, "invalid_token");
        assertThat(AuthApi.post("confirm-email-change", map("token", secondConfirm)).status()).isEqualTo(200);
        assertThat(AuthApi.user(user.id()).get("email").asText()).isEqualTo(second);
    }

    @Test
    void theLinkOpensKeycloaksHostedPageWhenTheClientHasNoAppPage() {
        AuthApi.TestUser user = AuthApi.newUser();
        String next = newAddress();
        assertThat(requestChange(user.accessToken(), next, STRONG_PASSWORD).status()).isEqualTo(202);
        String link = Mailbox.awaitMail(next, 1).link();
        assertThat(link).startsWith(KeycloakStackExtension.stack().realmUrl("app") + "/login-actions/action-token?key=");

        Http.Reply page = Http.get(link);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains(next);
        assertThat(AuthApi.user(user.id()).get("email").asText()).isEqualTo(next);
        Http.Reply again = Http.get(link);
        assertThat(again.status()).isEqualTo(400);

        // the notice's cancel link, opened after the confirmation: the old address is back, said in the bundle's text
        String cancelLink = Mailbox.awaitMail(user.email(), 2).link();
        Http.Reply restored = Http.get(cancelLink);
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        assertThat(restored.body()).contains("Your account has the address").contains(user.email())
                .doesNotContain("appAuthEmailChange");
        assertThat(AuthApi.user(user.id()).get("email").asText()).isEqualTo(user.email());
    }

    @Test
    void badRequestsChangeNothingAndSendNothing() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        AuthApi.TestUser other = AuthApi.newUser();
        String next = newAddress();

        assertError(requestChange(user.accessToken(), next, "not my password at all"), 401, "invalid_credentials");
        assertError(requestChange(user.accessToken(), other.email(), STRONG_PASSWORD), 409, "email_taken");
        assertError(requestChange(user.accessToken(), user.email(), STRONG_PASSWORD), 400, "invalid_request");
        assertError(requestChange(user.accessToken(), "not-an-address", STRONG_PASSWORD), 400, "invalid_request");
        assertError(AuthApi.bearerPost("me/email", user.accessToken(), map("email", next)), 400, "invalid_request");
        assertError(AuthApi.post("me/email", map("email", next, "password", STRONG_PASSWORD)), 401, "invalid_token");
        assertError(AuthApi.post("confirm-email-change", map()), 400, "invalid_request");
        assertError(AuthApi.post("confirm-email-change", map("token", "not.a.token")), 400, "invalid_token");
        assertError(AuthApi.post("cancel-email-change", map("token", 42)), 400, "invalid_request");
        // PATCH /me still refuses a new address and points here
        Http.Reply patch = AuthApi.send("PATCH", "me", user.accessToken(), map("email", next));
        assertError(patch, 400, "invalid_request");
        assertThat(patch.body()).contains("me/email");

        Mailbox.assertStillOnly(user.email(), 1, Duration.ofSeconds(2));
        assertThat(Mailbox.all(next)).isEmpty();
        JsonNode stored = AuthApi.user(user.id());
        assertThat(stored.get("email").asText()).isEqualTo(user.email());
    }

    @Test
    void requestsOfOneAccountAreRateLimited() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.rate-limits", "email-change.account=1/1h")));
        try {
            assertThat(requestChange(user.accessToken(), newAddress(), STRONG_PASSWORD).status()).isEqualTo(202);
            String refused = newAddress();
            Http.Reply limited = requestChange(user.accessToken(), refused, STRONG_PASSWORD);
            assertError(limited, 429, "rate_limited");
            assertThat(limited.header("Retry-After")).isNotBlank();
            // the refused request sent nothing
            assertThat(Mailbox.all(refused)).isEmpty();
        } finally {
            AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.rate-limits", "")));
        }
    }
}
