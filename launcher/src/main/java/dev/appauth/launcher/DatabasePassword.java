package dev.appauth.launcher;

import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The embedded PostgreSQL's superuser password: made on first start, kept in a mode-0600 file beside
 * the cluster, set on a cluster that still trusts local connections (new, or made by an older
 * ./run.sh) before pg_hba.conf is switched to scram-sha-256. The password is never logged.
 */
final class DatabasePassword {

    /** SQLSTATE invalid_password: the server refused the login. */
    static final String INVALID_PASSWORD = "28P01";
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);

    private DatabasePassword() {
    }

    /** The kept password, or a new one for a cluster that does not ask for one yet. */
    static String loadOrCreate(Path file, Path dataDir, boolean existingCluster) throws IOException {
        if (Files.exists(file)) {
            return Credentials.read(file).password();
        }
        if (existingCluster && !PgHba.trusts(dataDir)) {
            throw new IOException("The PostgreSQL cluster in " + dataDir + " requires a password, but " + file
                    + " that kept it is missing. Restore the file, or start over with --fresh (deletes the data).");
        }
        Credentials credentials = new Credentials("postgres", Credentials.randomPassword());
        credentials.write(file, "Superuser of the embedded PostgreSQL in " + dataDir + " (./run.sh); Keycloak "
                + "logs in with it. Without this file the database cannot be opened.");
        return credentials.password();
    }

    /** Whether a failed start was the server refusing the password (zonky retries until its timeout). */
    static boolean refusedLogin(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && INVALID_PASSWORD.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static IOException refused(Path file, Path dataDir) {
        return new IOException("PostgreSQL in " + dataDir + " refused the password kept in " + file
                + ". Restore the file that belongs to this cluster, or start over with --fresh (deletes the data).");
    }

    /**
     * Sets the password over a superuser connection (the SCRAM verifier is computed here, so the
     * password never reaches the server or its log), then makes every connection need it and waits
     * until the server refuses a wrong one.
     */
    static void switchFromTrust(DataSource superuser, Path dataDir, String user, String password, String jdbcUrl)
            throws SQLException, IOException {
        try (Connection c = superuser.getConnection()) {
            c.unwrap(PGConnection.class).alterUserPassword(user, password.toCharArray(), "scram-sha-256");
        }
        PgHba.requirePasswords(dataDir);
        try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
        awaitRefusal(jdbcUrl, user);
    }

    /** pg_reload_conf() only signals the postmaster: wait until it has read the new pg_hba.conf. */
    private static void awaitRefusal(String jdbcUrl, String user) throws IOException {
        long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection ignored = DriverManager.getConnection(jdbcUrl, user, "not-" + Credentials.randomPassword())) {
                sleep();
            } catch (SQLException e) {
                if (INVALID_PASSWORD.equals(e.getSQLState())) {
                    return;
                }
                throw new IOException("PostgreSQL: checking the new pg_hba.conf failed: " + e.getMessage(), e);
            }
        }
        throw new IOException("PostgreSQL still accepts any password " + RELOAD_TIMEOUT.toSeconds()
                + " s after pg_hba.conf was switched to scram-sha-256");
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
