package dev.appauth.it;

import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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
        try (SilentServer silent = new SilentServer()) {
            long failedBefore = failed();
            withSmtp(silent.port(), () -> {
                for (int i = 0; i < 5; i++) {
                    forgotAnswersFast(user, "a hanging");
                }
                // the workers did talk to it, and gave up on their own
                awaitTrue(() -> !silent.accepted.isEmpty(), Duration.ofSeconds(10));
                awaitTrue(() -> failed() > failedBefore, Duration.ofSeconds(30));
            });
        }
    }

    @Test
    void aDeadSmtpServerDoesNotFailTheRequest() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long failedBefore = failed();
        withSmtp(closedPort, () -> {
            forgotAnswersFast(user, "a dead");
            awaitTrue(() -> failed() > failedBefore, Duration.ofSeconds(30));
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

    /** Points the realm's SMTP at the port for the duration of the check, with short timeouts, then restores it. */
    private static void withSmtp(int port, Runnable check) {
        JsonNode original = AuthApi.realm().get("smtpServer");
        Map<String, Object> restored = Http.JSON.convertValue(original, Map.class);
        Map<String, Object> broken = new java.util.HashMap<>(restored);
        broken.put("host", "127.0.0.1");
        broken.put("port", Integer.toString(port));
        broken.put("timeout", "3000");
        broken.put("connectionTimeout", "3000");
        AuthApi.updateRealm(Map.of("smtpServer", broken));
        try {
            check.run();
        } finally {
            AuthApi.updateRealm(Map.of("smtpServer", restored));
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(deadline);
            Mailbox.sleep(100);
        }
    }

    /** Accepts connections and never says a word, like an SMTP server that hangs. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (!socket.isClosed()) {
                        accepted.add(socket.accept());
                    }
                } catch (IOException closed) {
                    // closed by close()
                }
            }, "silent-smtp");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            try {
                socket.close();
                for (Socket s : accepted) {
                    s.close();
                }
                acceptor.join(2000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
