package dev.appauth.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;

/**
 * An embedded PostgreSQL (zonky binaries, run as a child process) with a database for Keycloak.
 * With a persistent data directory the cluster is reused: zonky runs initdb only when the
 * directory has no postgresql.conf and {@code cleanDataDirectory} is false.
 */
final class PostgresService implements StackService {

    static final String DATABASE = "keycloak";
    /** initdb -A trust: any password is accepted, and the server listens on localhost only. */
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private static final System.Logger LOG = System.getLogger(PostgresService.class.getName());

    private final Path dataDir;
    private final boolean temporary;
    private final int requestedPort;
    private final Path logFile;
    private EmbeddedPostgres postgres;
    private Database database;

    PostgresService(Path persistentDataDir, int port, Path logFile) throws IOException {
        this.temporary = persistentDataDir == null;
        this.dataDir = temporary ? Files.createTempDirectory("app-auth-pg") : persistentDataDir.toAbsolutePath();
        this.requestedPort = port;
        this.logFile = logFile;
    }

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public void start() throws IOException, SQLException {
        int port = Ports.resolve(requestedPort);
        if (requestedPort != 0) {
            Ports.requireFree(port, "embedded PostgreSQL");
        }
        Files.createDirectories(dataDir);
        boolean existing = Files.exists(dataDir.resolve("postgresql.conf"));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(temporary)
                .setPort(port)
                // the stack stops Postgres itself, after Keycloak; zonky's own hook could stop it first
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                // "C" exists on every system; the machine's LANG may name a locale that is not installed
                .setLocaleConfig("locale", "C");
        if (logFile != null) {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder.Redirect redirect = ProcessBuilder.Redirect.appendTo(logFile.toFile());
            builder.setOutputRedirector(redirect).setErrorRedirector(redirect);
        }
        LOG.log(Level.INFO, "Starting PostgreSQL on port {0,number,#} ({1} data directory {2})",
                port, existing ? "existing" : "new", dataDir);
        postgres = builder.start();
        createDatabaseIfMissing();
        database = new Database("jdbc:postgresql://localhost:" + port + "/" + DATABASE, USER, PASSWORD);
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                q.setString(1, DATABASE);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8'");
            }
        }
    }

    Database database() {
        return database;
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() throws IOException {
        if (postgres != null) {
            EmbeddedPostgres p = postgres;
            postgres = null;
            // zonky stops with pg_ctl -m fast and deletes the directory when it is temporary
            p.close();
        } else if (temporary) {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
