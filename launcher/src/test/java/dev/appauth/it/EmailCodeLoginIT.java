package dev.appauth.it;

import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sign-in with an email one-time code or link (issue 13), for a client that opts in: POST /auth/otp answers the same
 * whether or not the address has an account; the code works once, for five attempts, and a newer one replaces it;
 * the link (to the client's app page) spends the same proof; an account with a second factor still answers
 * mfa_required; a client that did not opt in is refused.
 */
@ExtendWith(KeycloakStackExtension.class)
class EmailCodeLoginIT {

    private static final String CLIENT = "auth-api";
    private static final String OPT_IN = "auth-api.email-code-login";
    private static final Pattern CODE = Pattern.compile("(?m)^(\\d{6})$");

    @BeforeAll
    static void optIn() {
        AuthApi.setClientAttribute(CLIENT, OPT_IN, "true");
    }

    @AfterAll
    static void optOut() {
        AuthApi.setClientAttribute(CLIENT, OPT_IN, null);
    }

    private static String codeFrom(Mailbox.Mail mail) {
        Matcher m = CODE.matcher(mail.text());
        assertThat(m.find()).as(mail.text()).isTrue();
        return m.group(1);
    }

    private static Http.Reply verify(String email, String code) {
        return AuthApi.post("otp/verify", map("email", email, "code", code));
    }

    private static void assertError(Http.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).as(reply.toString()).isEqualTo(error);
    }

    @Test
    void theMailedCodeSignsInOnceAndVerifiesTheAddress() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        Http.Reply sent = AuthApi.post("otp", map("email", user.email()));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 2);
        assertThat(mail.subject()).isEqualTo("Your sign-in code");
        assertThat(mail.html()).contains(codeFrom(mail));
        String code = codeFrom(mail);

        Http.Reply done = verify(user.email().toUpperCase(), code);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().at("/user/uuid").asText()).isEqualTo(user.id());
        assertThat(done.json().at("/user/email_verified").asBoolean()).isTrue();
        assertThat(AuthApi.bearerGet("me", done.json().at("/token/access_token").asText()).status()).isEqualTo(200);
        assertThat(AuthApi.events(user.id(), "LOGIN")).isNotEmpty();

        assertError(verify(user.email(), code), 401, "invalid_grant");
    }

    @Test
    void anUnknownAddressGetsTheSameAnswerAndNoMail() {
        String nobody = AuthApi.unique("nobody") + "@example.com";
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply unknown = AuthApi.post("otp", map("email", nobody));
        Http.Reply known = AuthApi.post("otp", map("email", user.email()));
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(unknown.body()).isEqualTo(known.body());
        Mailbox.awaitMail(user.email(), 2);
        Mailbox.assertStillOnly(nobody, 0, Duration.ofSeconds(2));
        assertError(verify(nobody, "123456"), 401, "invalid_grant");
    }

    @Test
    void wrongCodesUseTheCodeUpAndANewerCodeReplacesAnOlderOne() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        AuthApi.post("otp", map("email", user.email()));
        String first = codeFrom(Mailbox.awaitMail(user.email(), 2));
        AuthApi.post("otp", map("email", user.email()));
        String second = codeFrom(Mailbox.awaitMail(user.email(), 3));
        // the older code is now a wrong one: attempt 1 of 5 on the newer code (the two differ but for a 1e-6 chance)
        assertError(verify(user.email(), first), 401, "invalid_grant");
        String wrong = second.equals("000000") ? "000001" : "000000";
        for (int attempt = 2; attempt <= 5; attempt++) {
            assertError(verify(user.email(), wrong), 401, "invalid_grant");
        }
        // five attempts in all: the right code comes too late
        assertError(verify(user.email(), second), 401, "invalid_grant");
    }

    /** A burst of parallel guesses gets the same five attempts as a sequence: each claims one before it is compared. */
    @Test
    void parallelGuessesGetNoMoreThanFiveAttempts() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        AuthApi.post("otp", map("email", user.email()));
        String code = codeFrom(Mailbox.awaitMail(user.email(), 2));
        int guesses = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(guesses);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < guesses; i++) {
                // wrong codes, none equal to the real one
                String wrong = String.format("%06d", (Integer.parseInt(code) + 1 + i) % 1_000_000);
                replies.add(pool.submit(() -> {
                    start.await();
                    return verify(user.email(), wrong);
                }));
            }
            start.countDown();
            for (Future<Http.Reply> reply : replies) {
                assertError(reply.get(30, TimeUnit.SECONDS), 401, "invalid_grant");
            }
        } finally {
            pool.shutdownNow();
        }
        // sixteen wrong guesses used up the code's five attempts, however they interleaved
        assertError(verify(user.email(), code), 401, "invalid_grant");
    }

    @Test
    void requestsForOneAddressAreRateLimited() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.updateRealm(java.util.Map.of("attributes", java.util.Map.of("auth-api.rate-limits", "otp.account=1/10m")));
        try {
            assertThat(AuthApi.post("otp", map("email", user.email())).status()).isEqualTo(202);
            Http.Reply limited = AuthApi.post("otp", map("email", user.email()));
            assertError(limited, 429, "rate_limited");
            assertThat(limited.header("Retry-After")).isNotBlank();
        } finally {
            AuthApi.updateRealm(java.util.Map.of("attributes", java.util.Map.of("auth-api.rate-limits", "")));
        }
    }

    @Test
    void theLinkToTheAppPageSignsInAndSpendsTheCode() {
        AuthApi.setClientAttribute(CLIENT, "auth-api.action-url", "https://app.example.com/auth/action");
        try {
            AuthApi.TestUser user = AuthApi.newUser();
            Mailbox.awaitMail(user.email(), 1);
            AuthApi.post("otp", map("email", user.email()));
            Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 2);
            String code = codeFrom(mail);
            assertThat(mail.link()).startsWith("https://app.example.com/auth/action?token=").endsWith("&type=email-login");
            assertThat(mail.html()).contains("https://app.example.com/auth/action?token=");

            Http.Reply done = AuthApi.post("otp/verify", map("token", mail.token()));
            assertThat(done.status()).as(done.toString()).isEqualTo(200);
            assertThat(done.json().at("/user/uuid").asText()).isEqualTo(user.id());
            assertError(AuthApi.post("otp/verify", map("token", mail.token())), 401, "invalid_grant");
            assertError(verify(user.email(), code), 401, "invalid_grant");
        } finally {
            AuthApi.setClientAttribute(CLIENT, "auth-api.action-url", null);
        }
    }

    @Test
    void anAccountWithASecondFactorIsStillAskedForIt() {
        MfaIT.Enrolled enrolled = MfaIT.enroll();
        String email = enrolled.user().email();
        // the verification mail, then the "second factor added" notice
        Mailbox.awaitMail(email, 2);
        AuthApi.post("otp", map("email", email));
        Http.Reply first = verify(email, codeFrom(Mailbox.awaitMail(email, 3)));
        assertError(first, 401, "mfa_required");
        JsonNode body = first.json();
        Http.Reply done = AuthApi.post("login/mfa", map("mfa_token", body.get("mfa_token").asText(), "code", enrolled.app().nextCode()));
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
    }

    @Test
    void badInputAndClientsThatDidNotOptInAreRefused() {
        assertError(AuthApi.post("otp", map()), 400, "invalid_request");
        assertError(AuthApi.post("otp", map("email", "not-an-address")), 400, "invalid_request");
        assertError(AuthApi.post("otp/verify", map("email", "a@example.com")), 400, "invalid_request");
        assertError(AuthApi.post("otp/verify", map("code", "123456")), 400, "invalid_request");
        assertError(AuthApi.post("otp/verify", map("token", "x".repeat(43), "email", "a@example.com", "code", "123456")),
                400, "invalid_request");
        assertError(AuthApi.post("otp/verify", map("token", "not a token")), 401, "invalid_grant");
        assertError(AuthApi.post("otp/verify", map("email", "a@example.com", "code", 123456)), 400, "invalid_request");

        AuthApi.setClientAttribute(CLIENT, OPT_IN, null);
        try {
            AuthApi.TestUser user = AuthApi.newUser();
            assertError(AuthApi.post("otp", map("email", user.email())), 400, "unauthorized_client");
            assertError(verify(user.email(), "123456"), 400, "unauthorized_client");
        } finally {
            AuthApi.setClientAttribute(CLIENT, OPT_IN, "true");
        }
    }
}
