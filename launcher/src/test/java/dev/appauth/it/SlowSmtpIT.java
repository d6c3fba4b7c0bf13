package dev.appauth.it;

import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mail never goes out on the request thread: with the realm's SMTP server hanging (accepts, never answers) or
 * gone (closed port), forgot-password still answers at once, and the failures are counted where the admin
 * sees them (Provider info, app-auth-mail). The realm's SMTP settings are restored afterwards.
 */
@ExtendWith(KeycloakStackExtension.class)
class SlowSmtpIT {

    private static final Duration FAST = Duration.ofSeconds(1);

    @Test
    void aHangingSmtpServerDoesNotSlowTheRequest() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        try (RealmSmtp.SilentServer silent = new RealmSmtp.SilentServer()) {
            long failedBefore = failed();
            RealmSmtp.with(silent.port(), () -> {
                for (int i = 0; i < 5; i++) {
                    forgotAnswersFast(user, "a hanging");
                }
                // the workers did talk to it, and gave up on their own
                RealmSmtp.awaitTrue(() -> !silent.accepted.isEmpty(), Duration.ofSeconds(10));
                RealmSmtp.awaitTrue(() -> failed() > failedBefore, Duration.ofSeconds(30));
            });
        }
    }

    @Test
    void aDeadSmtpServerDoesNotFailTheRequest() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        int closedPort = RealmSmtp.closedPort();
        long failedBefore = failed();
        RealmSmtp.with(closedPort, () -> {
            forgotAnswersFast(user, "a dead");
            RealmSmtp.awaitTrue(() -> failed() > failedBefore, Duration.ofSeconds(30));
        });
        // back to the catcher: mail flows again
        assertThat(post("forgot-password", map("email", user.email())).status()).isEqualTo(202);
        assertThat(Mailbox.awaitMail(user.email(), 2).subject()).isEqualTo("Reset your password");
        JsonNode info = AuthApi.mailQueueInfo();
        assertThat(info.get("sent").asLong()).isPositive();
    }

    private static void forgotAnswersFast(AuthApi.TestUser user, String smtp) {
        long t0 = System.nanoTime();
        Http.Reply reply = post("forgot-password", map("email", user.email()));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("[bench] forgot-password with %s SMTP server: %d ms%n", smtp, took.toMillis());
        assertThat(reply.status()).isEqualTo(202);
        assertThat(took).isLessThan(FAST);
    }

    private static long failed() {
        return AuthApi.mailQueueInfo().get("failed").asLong();
    }
}
