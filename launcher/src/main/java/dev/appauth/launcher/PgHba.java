package dev.appauth.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The embedded cluster's pg_hba.conf. initdb (as zonky runs it) writes {@code trust} for every local
 * connection, and so did ./run.sh before it kept a database password; {@link #requirePasswords} replaces
 * that with scram-sha-256 for socket and TCP connections alike.
 */
final class PgHba {

    static final String FILE_NAME = "pg_hba.conf";
    private static final String PASSWORDS_ONLY = """
            # Written by the app-auth launcher: every connection needs the password (scram-sha-256).
            # The server listens on localhost only (listen_addresses).
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;

    private PgHba() {
    }

    /** True if some line lets a client in without a password, or the cluster has no pg_hba.conf yet. */
    static boolean trusts(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return true;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.stream()
                .map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .anyMatch(line -> Arrays.asList(line.split("\\s+")).contains("trust"));
    }

    /** Replaces the file (atomically: a crash leaves the old or the new one); the server reads it on reload. */
    static void requirePasswords(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Path next = dataDir.resolve(FILE_NAME + ".new");
        Files.writeString(next, PASSWORDS_ONLY, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
