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
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;

/**
 * An embedded PostgreSQL (zonky binaries, run as a child process) with a database for Keycloak.
 * With a persistent data directory the cluster is reused: zonky runs initdb only when the
 * directory has no postgresql.conf and {@code cleanDataDirectory} is false.
 */
public final class PostgresService implements StackService {

    static final String DATABASE = "keycloak";
    /** initdb -A trust: any password is accepted, and the server listens on localhost only. */
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private static final System.Logger LOG = System.getLogger(PostgresService.class.getName());

    private final Path dataDir;
    private final boolean temporary;
    private final int requestedPort;
    private final Path logFile;
    private int port;
    private Path binDir;
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
        port = Ports.resolve(requestedPort);
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

    /**
     * Stops the server the way a database outage looks to Keycloak (connections refused), keeping the
     * data, so that {@link #resumeAfterOutage()} brings the same database back (tests).
     */
    public synchronized void simulateOutage() throws IOException, InterruptedException {
        pgCtl("stop", "-m", "fast", "-w");
    }

    public synchronized void resumeAfterOutage() throws IOException, InterruptedException {
        pgCtl("start", "-w", "-o", "-p " + port + " -c listen_addresses=localhost");
    }

    private void pgCtl(String... args) throws IOException, InterruptedException {
        // zonky unpacked its binaries somewhere under java.io.tmpdir; the running postmaster tells where
        Path postgresBinary = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(dataDir.toString())).orElse(false))
                .map(p -> p.info().command().orElse(null))
                .filter(c -> c != null && c.endsWith("/postgres"))
                .map(Path::of)
                .findFirst()
                .orElse(binDir);
        if (postgresBinary == null) {
            throw new IOException("PostgreSQL is not running; cannot find pg_ctl");
        }
        binDir = postgresBinary.getFileName().toString().equals("postgres") ? postgresBinary.getParent() : postgresBinary;
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // Postgres refuses to run as root; zonky runs it in a user namespace, and so must we
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logFile != null ? ProcessBuilder.Redirect.appendTo(logFile.toFile()) : ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() != 0) {
            throw new IOException("pg_ctl " + args[0] + " failed with exit code " + process.exitValue());
        }
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
