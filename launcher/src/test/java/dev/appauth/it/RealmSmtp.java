package dev.appauth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Points the app realm's SMTP settings elsewhere (a closed port, a server that hangs) and back. */
final class RealmSmtp {

    private RealmSmtp() {
    }

    /** The realm's current SMTP settings, to restore them later. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> current() {
        JsonNode original = AuthApi.realm().get("smtpServer");
        return Http.JSON.convertValue(original, Map.class);
    }

    /** Points the realm's SMTP at 127.0.0.1:port with the given timeouts. */
    static void pointAt(Map<String, Object> original, int port, Duration timeout) {
        Map<String, Object> broken = new HashMap<>(original);
        broken.put("host", "127.0.0.1");
        broken.put("port", Integer.toString(port));
        broken.put("timeout", Long.toString(timeout.toMillis()));
        broken.put("connectionTimeout", Long.toString(timeout.toMillis()));
        AuthApi.updateRealm(Map.of("smtpServer", broken));
    }

    static void restore(Map<String, Object> original) {
        AuthApi.updateRealm(Map.of("smtpServer", original));
    }

    /** Points the realm's SMTP at the port for the duration of the check, with short timeouts, then restores it. */
    static void with(int port, Runnable check) {
        Map<String, Object> original = current();
        pointAt(original, port, Duration.ofSeconds(3));
        try {
            check.run();
        } finally {
            restore(original);
        }
    }

    /** A port nothing listens on: connections are refused at once. */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(deadline);
            Mailbox.sleep(100);
        }
    }

    /** Accepts connections and never says a word, like an SMTP server that hangs. */
    static final class SilentServer implements AutoCloseable {
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
