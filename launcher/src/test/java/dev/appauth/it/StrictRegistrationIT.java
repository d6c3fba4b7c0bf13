package dev.appauth.it;

import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The strict mode of API.md (Realm settings, Login, "Verify email" on): register answers 202 without revealing
 * whether the address was taken, login waits for the verification. The realm is switched back afterwards.
 */
@ExtendWith(KeycloakStackExtension.class)
class StrictRegistrationIT {

    @BeforeAll
    static void strict() {
        AuthApi.updateRealm(Map.of("verifyEmail", true));
    }

    @AfterAll
    static void relaxed() {
        AuthApi.updateRealm(Map.of("verifyEmail", false));
    }

    private static Http.Reply register(String email, String username, String password) {
        return post("register", map("email", email, "password", password, "username", username));
    }

    @Test
    void registerAnswers202AndLoginWaitsForTheVerifiedAddress() {
        String username = unique("strict");
        String email = username + "@example.com";
        Http.Reply reply = register(email, username, STRONG_PASSWORD);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        assertThat(reply.json().has("token")).isFalse();

        Mailbox.Mail mail = Mailbox.awaitMail(email, 1);
        assertThat(mail.subject()).isEqualTo("Verify your email address");

        Http.Reply early = AuthApi.login(email, STRONG_PASSWORD);
        assertThat(early.status()).as(early.toString()).isEqualTo(403);
        assertThat(early.json().get("error").asText()).isEqualTo("email_not_verified");
        // only after a correct password
        Http.Reply wrong = AuthApi.login(email, "not the password at all");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).isEqualTo("invalid_credentials");

        assertThat(post("verify-email", map("token", mail.token())).status()).isEqualTo(200);
        Http.Reply login = AuthApi.login(email, STRONG_PASSWORD);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(login.json().at("/user/email_verified").asBoolean()).isTrue();
    }

    @Test
    void aTakenAddressGetsTheSameAnswerAndItsOwnerAMail() {
        String owner = unique("owner");
        String email = owner + "@example.com";
        assertThat(register(email, owner, STRONG_PASSWORD).status()).isEqualTo(202);
        Mailbox.awaitMail(email, 1);

        String free = unique("free");
        Http.Reply fresh = register(free + "@example.com", free, STRONG_PASSWORD);
        Http.Reply taken = register(email, unique("intruder"), STRONG_PASSWORD);
        assertThat(taken.status()).isEqualTo(fresh.status()).isEqualTo(202);
        assertThat(taken.body()).isEqualTo(fresh.body());

        Mailbox.Mail exists = Mailbox.awaitMail(email, 2);
        assertThat(exists.subject()).isEqualTo("You already have an account");
        assertThat(exists.text()).contains("already has one");
        assertThat(exists.html()).contains("<p>");
        Mailbox.assertStillOnly(email, 2, Duration.ofSeconds(1));
        assertThat(AuthApi.adminGet(AuthApi.REALM + "/users?email=" + email + "&exact=true")).hasSize(1);
    }

    @Test
    void aWeakPasswordIsRefusedTheSameWayForFreeAndTakenAddresses() {
        String owner = unique("owner");
        String email = owner + "@example.com";
        assertThat(register(email, owner, STRONG_PASSWORD).status()).isEqualTo(202);

        String free = unique("free");
        Http.Reply fresh = register(free + "@example.com", free, "password123");
        Http.Reply taken = register(email, free, "password123");
        assertThat(fresh.status()).isEqualTo(taken.status()).isEqualTo(400);
        assertThat(fresh.json().get("error").asText()).isEqualTo(taken.json().get("error").asText()).isEqualTo("weak_password");
        assertThat(fresh.json().at("/field_errors/password")).isEqualTo(taken.json().at("/field_errors/password"));
    }

    /** Every policy rule that compares the password with the account (not-email, not-username) sees the same account. */
    @Test
    void aPasswordEqualToTheAddressOrUsernameIsRefusedTheSameWayForFreeAndTakenAddresses() {
        String owner = unique("owner");
        String email = owner + "@example.com";
        assertThat(register(email, owner, STRONG_PASSWORD).status()).isEqualTo(202);

        String free = unique("free");
        String freeEmail = free + "@example.com";
        Http.Reply freeSameAsAddress = register(freeEmail, free, freeEmail);
        Http.Reply takenSameAsAddress = register(email, unique("other"), email);
        assertThat(freeSameAsAddress.status()).as(freeSameAsAddress.toString()).isEqualTo(400);
        assertThat(takenSameAsAddress.status()).as(takenSameAsAddress.toString()).isEqualTo(400);
        assertThat(takenSameAsAddress.json().at("/field_errors/password"))
                .isEqualTo(freeSameAsAddress.json().at("/field_errors/password"));

        String name = unique("samename");
        String other = unique("samename2");
        Http.Reply freeSameAsUsername = register(name + "@example.com", name + "-long-enough", name + "-long-enough");
        Http.Reply takenSameAsUsername = register(email, other + "-long-enough", other + "-long-enough");
        assertThat(freeSameAsUsername.status()).isEqualTo(takenSameAsUsername.status()).isEqualTo(400);
        assertThat(takenSameAsUsername.json().at("/field_errors/password"))
                .isEqualTo(freeSameAsUsername.json().at("/field_errors/password"));
        assertThat(AuthApi.adminGet(AuthApi.REALM + "/users?email=" + freeEmail + "&exact=true")).isEmpty();
    }
}
