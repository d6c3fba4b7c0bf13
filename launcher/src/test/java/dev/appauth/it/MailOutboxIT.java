package dev.appauth.it;

import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.appauth.launcher.KeycloakStack;

/**
 * The mail outbox: a mail the API accepted (202) is kept in Keycloak's database until it is sent, so neither an SMTP
 * outage nor a killed server loses it; failures are one WARN line per attempt, a give-up one ERROR line, never a
 * stack trace or an address. The suite runs with 1-2 s retries, 4 attempts and a 15 s lease (KeycloakStackExtension).
 */
@ExtendWith(KeycloakStackExtension.class)
class MailOutboxIT {

    private static final String NEW_PASSWORD = "outbox survives 42 restarts";

    @Test
    void withSmtpUpAMailGoesOutRightAfterItsRequestAndLeavesNoRow() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        long t0 = System.nanoTime();
        assertThat(post("forgot-password", map("email", user.email())).status()).isEqualTo(202);
        assertThat(Mailbox.awaitMail(user.email(), 2).subject()).isEqualTo("Reset your password");
        // the table is the durability, not the trigger: the request's node sends at once, no poll is waited for
        System.out.printf("[bench] forgot-password 202 to reset mail in the catcher: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        RealmSmtp.awaitTrue(() -> outboxRows(user.email()).isEmpty(), Duration.ofSeconds(5));
        // an address without an account leaves no row either (looked up when the intent is carried out)
        String nobody = AuthApi.unique("nobody") + "@example.com";
        long skippedBefore = info("skipped");
        assertThat(post("forgot-password", map("email", nobody)).status()).isEqualTo(202);
        RealmSmtp.awaitTrue(() -> info("skipped") > skippedBefore, Duration.ofSeconds(5));
        assertThat(outboxRows(nobody)).isEmpty();
        assertThat(Mailbox.all(nobody)).isEmpty();
    }

    @Test
    void aMailAcceptedWhileSmtpIsDownArrivesWhenItIsBack() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        long mark = KeycloakLog.mark();
        long failedBefore = info("failed");

        RealmSmtp.with(RealmSmtp.closedPort(), () -> {
            assertThat(post("forgot-password", map("email", user.email())).status()).isEqualTo(202);
            RealmSmtp.awaitTrue(() -> info("failed") > failedBefore, Duration.ofSeconds(20));
            assertThat(Mailbox.all(user.email())).as("nothing could be sent yet").hasSize(1);
        });

        Mailbox.Mail reset = Mailbox.awaitMail(user.email(), 2);
        assertThat(reset.subject()).isEqualTo("Reset your password");
        assertThat(post("reset-password", map("token", reset.token(), "new_password", NEW_PASSWORD)).status()).isEqualTo(200);
        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);

        List<String> log = KeycloakLog.since(mark);
        assertThat(log).anyMatch(l -> l.contains("WARN") && l.contains("Mail attempt failed: kind=password-reset")
                && l.contains("java.net.ConnectException") && l.contains("next attempt in"));
        assertQuiet(log, user);
    }

    @Test
    void aMailAcceptedBeforeAKillArrivesOnceAfterTheRestart() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        KeycloakStack stack = KeycloakStackExtension.stack();
        Map<String, Object> smtp = RealmSmtp.current();
        try (RealmSmtp.SilentServer silent = new RealmSmtp.SilentServer()) {
            // the first attempt hangs in the SMTP conversation: the mail is accepted, not sent
            RealmSmtp.pointAt(smtp, silent.port(), Duration.ofSeconds(60));
            try {
                assertThat(post("forgot-password", map("email", user.email())).status()).isEqualTo(202);
                RealmSmtp.awaitTrue(() -> !silent.accepted.isEmpty(), Duration.ofSeconds(10));
            } finally {
                // stored for the restarted server; the hanging attempt already has its settings
                RealmSmtp.restore(smtp);
            }
            assertThat(outboxRows(user.email())).as("the intent is in the outbox").hasSize(1);
            stack.killKeycloak();
        }
        assertThat(Mailbox.all(user.email())).as("killed before the mail went out").hasSize(1);

        long mark = KeycloakLog.mark();
        stack.restartKeycloak();
        // after the lease of the killed attempt, the restarted node's poll sends it
        Mailbox.Mail reset = Mailbox.awaitMail(user.email(), 2);
        assertThat(reset.subject()).isEqualTo("Reset your password");
        assertThat(post("reset-password", map("token", reset.token(), "new_password", NEW_PASSWORD)).status()).isEqualTo(200);
        Http.Reply again = post("reset-password", map("token", reset.token(), "new_password", "and once more 77 times"));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error").asText()).isEqualTo("invalid_token");
        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);

        // exactly once: the row is gone, no second copy follows (the password-changed notice is the only other mail)
        RealmSmtp.awaitTrue(() -> outboxRows(user.email()).isEmpty(), Duration.ofSeconds(10));
        Mailbox.assertStillOnly(user.email(), 3, Duration.ofSeconds(4));
        assertThat(Mailbox.all(user.email())).extracting(Mailbox.Mail::subject)
                .containsExactly("Verify your email address", "Reset your password", "Your password was changed");
        assertQuiet(KeycloakLog.since(mark), user);
    }

    @Test
    void aMailThatRunsOutOfAttemptsIsGivenUpWithOneErrorLine() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        long mark = KeycloakLog.mark();
        long givenUpBefore = info("givenUp");

        RealmSmtp.with(RealmSmtp.closedPort(), () -> {
            assertThat(post("forgot-password", map("email", user.email())).status()).isEqualTo(202);
            RealmSmtp.awaitTrue(() -> info("givenUp") > givenUpBefore, Duration.ofSeconds(30));
        });

        // the row stays for the operator: no token, no link, only ids and strings; the error names types only
        List<Map<String, Object>> rows = outboxRows(user.email());
        assertThat(rows).hasSize(1);
        Map<String, Object> row = rows.get(0);
        assertThat(row.get("kind")).isEqualTo("password-reset");
        assertThat(row.get("attempts")).isEqualTo(4);
        assertThat(row.get("gave_up_at")).isNotNull();
        assertThat((String) row.get("payload")).contains(user.email()).doesNotContain("token").doesNotContain("key=")
                .doesNotContain("http://localhost:" + KeycloakStackExtension.stack().httpPort() + "/realms/app/login-actions");
        assertThat((String) row.get("last_error")).contains("java.net.ConnectException").doesNotContain("@");
        RealmSmtp.awaitTrue(() -> info("outboxGivenUp") >= 1, Duration.ofSeconds(5));

        // SMTP is back, yet nothing more happens to it: no mail, no further line
        Mailbox.assertStillOnly(user.email(), 1, Duration.ofSeconds(4));
        List<String> log = KeycloakLog.since(mark);
        List<String> errors = log.stream().filter(l -> l.matches("^\\S+ \\S+ ERROR .*")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("Mail given up: kind=password-reset id=" + row.get("id") + " after 4 attempts")
                .contains("java.net.ConnectException");
        assertThat(log.stream().filter(l -> l.contains("Mail attempt failed") && l.contains((String) row.get("id"))))
                .as("one WARN line per failed attempt but the last").hasSize(3);
        assertQuiet(log, user);

        String metrics = Http.get(KeycloakStackExtension.stack().managementUrl() + "/metrics").body();
        assertThat(metrics).contains("app_auth_mail_given_up_total").contains("app_auth_mail_outbox_failed")
                .contains("app_auth_mail_outbox_pending").contains("app_auth_mail_attempts_failed_total");
    }

    /** No stack trace, no Keycloak SMTP error, no address of the user anywhere in these log lines. */
    private static void assertQuiet(List<String> log, AuthApi.TestUser user) {
        assertThat(KeycloakLog.stackTraceLines(log)).as("stack trace lines in the server log").isEmpty();
        assertThat(log).noneMatch(l -> l.contains("KC-SERVICES0029"));
        assertThat(log).noneMatch(l -> l.contains(user.email()));
    }

    private static long info(String key) {
        return AuthApi.mailQueueInfo().get(key).asLong();
    }

    /** The outbox rows whose intent names this address, read straight from Keycloak's database. */
    private static List<Map<String, Object>> outboxRows(String email) {
        KeycloakStack stack = KeycloakStackExtension.stack();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUsername(), "");
             PreparedStatement q = c.prepareStatement("SELECT id, kind, payload, attempts, last_error, gave_up_at"
                     + " FROM app_auth_mail_outbox WHERE payload LIKE ?")) {
            q.setString(1, "%" + email + "%");
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new java.util.HashMap<>();
                    for (String column : List.of("id", "kind", "payload", "attempts", "last_error", "gave_up_at")) {
                        row.put(column, rs.getObject(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AssertionError("could not read the outbox", e);
        }
    }
}
