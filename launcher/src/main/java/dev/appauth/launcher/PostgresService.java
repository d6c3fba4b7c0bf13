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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An embedded PostgreSQL (zonky binaries, run as a child process) with a database for Keycloak,
 * listening on localhost only. With a persistent data directory the cluster is reused: zonky runs
 * initdb only when the directory has no postgresql.conf and {@code cleanDataDirectory} is false.
 *
 * <p>Durable (./run.sh) it writes safely: fsync, synchronous commit and full-page writes on. Otherwise
 * (tests) it keeps zonky's fast settings: fsync and synchronous commit off. With a password file every
 * connection needs that password (scram-sha-256); without one, initdb's trust authentication stays.
 */
public final class PostgresService implements StackService {

    static final String DATABASE = "keycloak";
    /** The maintenance database every cluster has. */
    private static final String DATABASE_POSTGRES = "postgres";
    private static final String USER = "postgres";
    /** Sent, and ignored, where the cluster trusts local connections. */
    private static final String TRUST_PASSWORD = "postgres";

    private static final System.Logger LOG = System.getLogger(PostgresService.class.getName());

    private final Path dataDir;
    private final boolean temporary;
    private final int requestedPort;
    private final Path logFile;
    private final boolean durable;
    private final Path passwordFile;
    private int port;
    private Path binDir;
    private EmbeddedPostgres postgres;
    private Database database;

    /**
     * @param persistentDataDir the cluster, kept between runs; null: a temporary one
     * @param passwordFile      where the superuser's password is kept; null: trust authentication
     */
    PostgresService(Path persistentDataDir, int port, Path logFile, boolean durable, Path passwordFile) throws IOException {
        this.temporary = persistentDataDir == null;
        this.dataDir = temporary ? Files.createTempDirectory("app-auth-pg") : persistentDataDir.toAbsolutePath();
        this.requestedPort = port;
        this.logFile = logFile;
        this.durable = durable;
        this.passwordFile = passwordFile;
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
        String password = passwordFile != null ? DatabasePassword.loadOrCreate(passwordFile, dataDir, existing) : null;
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(temporary)
                .setPort(port)
                // the stack stops Postgres itself, after Keycloak; zonky's own hook could stop it first
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                // "C" exists on every system; the machine's LANG may name a locale that is not installed
                .setLocaleConfig("locale", "C");
        serverSettings().forEach(builder::setServerConfig);
        if (password != null) {
            // zonky's own readiness check and getPostgresDatabase() log in with it
            builder.setConnectConfig("password", password);
        }
        if (logFile != null) {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder.Redirect redirect = ProcessBuilder.Redirect.appendTo(logFile.toFile());
            builder.setOutputRedirector(redirect).setErrorRedirector(redirect);
        }
        LOG.log(Level.INFO, "Starting PostgreSQL on port {0,number,#} ({1} data directory {2}, {3})",
                port, existing ? "existing" : "new", dataDir, durable ? "durable" : "fsync off");
        try {
            postgres = builder.start();
        } catch (IOException e) {
            if (password != null && DatabasePassword.refusedLogin(e)) {
                stopOrphan();
                throw DatabasePassword.refused(passwordFile, dataDir);
            }
            throw e;
        }
        if (password != null && PgHba.trusts(dataDir)) {
            DatabasePassword.switchFromTrust(postgres.getPostgresDatabase(), dataDir, USER, password, jdbcUrl(DATABASE_POSTGRES));
            LOG.log(Level.INFO, "PostgreSQL in {0} now requires the password kept in {1} (scram-sha-256)", dataDir, passwordFile);
        }
        createDatabaseIfMissing();
        database = new Database(jdbcUrl(DATABASE), USER, password != null ? password : TRUST_PASSWORD);
    }

    private String jdbcUrl(String databaseName) {
        return "jdbc:postgresql://localhost:" + port + "/" + databaseName;
    }

    /**
     * Settings given to the postmaster on its command line (they override postgresql.conf). zonky
     * always passes -F (fsync off) first; a later fsync=on wins.
     */
    private Map<String, String> serverSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "localhost");
        if (durable) {
            settings.put("fsync", "on");
            settings.put("synchronous_commit", "on");
            settings.put("full_page_writes", "on");
        } else {
            settings.put("fsync", "off");
            settings.put("synchronous_commit", "off");
        }
        return settings;
    }

    /** The server options pg_ctl start passes on, the same as zonky's. */
    private String postmasterOptions() {
        StringBuilder options = new StringBuilder("-p " + port);
        serverSettings().forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        return options.toString();
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
        pgCtl("start", "-w", "-o", postmasterOptions());
    }

    /** zonky gives up on a server that refuses its login, but leaves it running: stop it. */
    private void stopOrphan() {
        try {
            pgCtl("stop", "-m", "fast", "-w");
        } catch (IOException | InterruptedException e) {
            LOG.log(Level.WARNING, "Could not stop PostgreSQL in " + dataDir + ": " + e.getMessage());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
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

    public int port() {
        return port;
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
