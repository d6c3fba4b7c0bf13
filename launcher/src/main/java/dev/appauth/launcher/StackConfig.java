package dev.appauth.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link KeycloakStack} needs to start. Immutable; build it with {@link #builder()}.
 * Ports set to 0 are picked free at start (the tests); ./run.sh uses fixed ones.
 */
public final class StackConfig {

    /** A first start includes Keycloak's augmentation: ~45 s on a quiet 2-core machine, minutes on a loaded one. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(420);
    public static final String DEFAULT_SMTP_FROM = "no-reply@app.localhost";
    /** Debian's OpenJDK 17, the JDK Keycloak 26.7 is tested with here. */
    public static final Path DEFAULT_JDK = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    private final Path keycloakHome;
    private final Path javaHome;
    private final int httpPort;
    private final int managementPort;
    private final List<Path> realmFiles;
    private final Path passwordBlacklistsDir;
    private final String adminUsername;
    private final String adminPassword;
    private final String externalJdbcUrl;
    private final String externalDbUsername;
    private final String externalDbPassword;
    private final Path postgresDataDir;
    private final int postgresPort;
    private final Path postgresLogFile;
    private final String smtpHost;
    private final int smtpPort;
    private final String smtpFrom;
    private final int mailSmtpPort;
    private final int mailHttpPort;
    private final Path keycloakLogFile;
    private final boolean inheritKeycloakEnv;
    private final List<String> extraKeycloakArgs;
    private final Map<String, String> extraKeycloakEnv;
    private final Duration readyTimeout;
    private final boolean shutdownHook;
    private final RedisMode redisMode;
    private final int redisPort;
    private final String externalRedisUrl;
    private final String redisKeyPrefix;
    private final BindAddress bindAddress;
    private final String publicUrl;
    private final boolean postgresDurable;
    private final Path postgresPasswordFile;
    private final int nodes;
    private final int jgroupsPort;
    private final boolean redisSentinel;

    /** Where Keycloak's single-use objects, revocations and rate-limit counters live. */
    public enum RedisMode {
        /** an embedded redis-server started with the stack (default) */
        EMBEDDED,
        /** an existing Redis at {@link #externalRedisUrl()} */
        EXTERNAL,
        /** Keycloak's own Infinispan store and the in-memory rate limiter */
        OFF
    }

    private StackConfig(Builder b) {
        keycloakHome = Objects.requireNonNull(b.keycloakHome, "keycloakHome").toAbsolutePath().normalize();
        javaHome = b.javaHome;
        httpPort = b.httpPort;
        managementPort = b.managementPort;
        realmFiles = List.copyOf(b.realmFiles);
        passwordBlacklistsDir = b.passwordBlacklistsDir;
        adminUsername = Objects.requireNonNull(b.adminUsername, "adminUsername");
        adminPassword = Objects.requireNonNull(b.adminPassword, "adminPassword");
        externalJdbcUrl = b.externalJdbcUrl;
        externalDbUsername = b.externalDbUsername;
        externalDbPassword = b.externalDbPassword;
        postgresDataDir = b.postgresDataDir;
        postgresPort = b.postgresPort;
        postgresLogFile = b.postgresLogFile;
        smtpHost = b.smtpHost;
        smtpPort = b.smtpPort;
        smtpFrom = Objects.requireNonNull(b.smtpFrom, "smtpFrom");
        mailSmtpPort = b.mailSmtpPort;
        mailHttpPort = b.mailHttpPort;
        keycloakLogFile = b.keycloakLogFile;
        inheritKeycloakEnv = b.inheritKeycloakEnv;
        extraKeycloakArgs = List.copyOf(b.extraKeycloakArgs);
        extraKeycloakEnv = Map.copyOf(b.extraKeycloakEnv);
        readyTimeout = Objects.requireNonNull(b.readyTimeout, "readyTimeout");
        shutdownHook = b.shutdownHook;
        redisMode = b.externalRedisUrl != null ? RedisMode.EXTERNAL : b.redis ? RedisMode.EMBEDDED : RedisMode.OFF;
        redisPort = b.redisPort;
        externalRedisUrl = b.externalRedisUrl;
        redisKeyPrefix = Objects.requireNonNull(b.redisKeyPrefix, "redisKeyPrefix");
        bindAddress = Objects.requireNonNull(b.bindAddress, "bindAddress");
        publicUrl = b.publicUrl;
        postgresDurable = b.postgresDurable;
        postgresPasswordFile = b.postgresPasswordFile;
        nodes = b.nodes;
        jgroupsPort = b.jgroupsPort;
        redisSentinel = b.redisSentinel;
        if (nodes < 1) {
            throw new IllegalArgumentException("a stack needs at least one Keycloak node: " + nodes);
        }
        if (redisSentinel && redisMode != RedisMode.EMBEDDED) {
            throw new IllegalArgumentException("the embedded Sentinel is an embedded Redis: not with an external one or none");
        }
        if (externalJdbcUrl != null && externalDbUsername == null) {
            throw new IllegalArgumentException("an external database needs a username too");
        }
        if (smtpHost != null && smtpPort <= 0) {
            throw new IllegalArgumentException("an external SMTP host needs a port");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The unpacked Keycloak distribution (launcher/target/keycloak-VERSION). */
    public Path keycloakHome() { return keycloakHome; }
    /** JDK for the Keycloak process; null means: detect (see {@link JavaHomes#resolve}). */
    public Path javaHome() { return javaHome; }
    public int httpPort() { return httpPort; }
    public int managementPort() { return managementPort; }
    public List<Path> realmFiles() { return realmFiles; }
    /** Directory of password denylist files for Keycloak's passwordBlacklist policy; null or missing: not configured. */
    public Path passwordBlacklistsDir() { return passwordBlacklistsDir; }
    public String adminUsername() { return adminUsername; }
    public String adminPassword() { return adminPassword; }
    /** Set when Keycloak uses an existing Postgres; then no embedded one is started. */
    public String externalJdbcUrl() { return externalJdbcUrl; }
    public String externalDbUsername() { return externalDbUsername; }
    public String externalDbPassword() { return externalDbPassword; }
    /** Persistent cluster directory, reused across runs; null: a temporary one deleted on close. */
    public Path postgresDataDir() { return postgresDataDir; }
    public int postgresPort() { return postgresPort; }
    /** Where initdb/pg_ctl/postgres write; null: their output goes to the SLF4J log. */
    public Path postgresLogFile() { return postgresLogFile; }
    /** Set when mail goes to a real SMTP server; then no catcher is started. */
    public String smtpHost() { return smtpHost; }
    public int smtpPort() { return smtpPort; }
    public String smtpFrom() { return smtpFrom; }
    public int mailSmtpPort() { return mailSmtpPort; }
    public int mailHttpPort() { return mailHttpPort; }
    /** Keycloak's console output goes to this file; null: inherited from this process. */
    public Path keycloakLogFile() { return keycloakLogFile; }
    /** Whether KC_* variables of this process reach Keycloak (./run.sh yes, tests no: a developer's shell must not change them). */
    public boolean inheritKeycloakEnv() { return inheritKeycloakEnv; }
    public List<String> extraKeycloakArgs() { return extraKeycloakArgs; }
    public Map<String, String> extraKeycloakEnv() { return extraKeycloakEnv; }
    public Duration readyTimeout() { return readyTimeout; }
    /** Whether the stack closes itself when the JVM exits (Ctrl-C, end of a test run). */
    public boolean shutdownHook() { return shutdownHook; }

    public RedisMode redisMode() { return redisMode; }
    public int redisPort() { return redisPort; }
    public String externalRedisUrl() { return externalRedisUrl; }
    /** Prefix of every key the providers write, so that several deployments can share one Redis. */
    public String redisKeyPrefix() { return redisKeyPrefix; }

    /** What Keycloak, the mail catcher and Redis listen on (127.0.0.1 unless told otherwise). */
    public BindAddress bindAddress() { return bindAddress; }
    /** Keycloak's --hostname, the base of every URL it builds; null: http://localhost:<http port>. */
    public String publicUrl() { return publicUrl; }
    /**
     * true (./run.sh): the embedded PostgreSQL writes safely (fsync, synchronous commit, full-page
     * writes); false (tests, a throw-away database): fsync and synchronous commit off, for speed.
     */
    public boolean postgresDurable() { return postgresDurable; }
    /**
     * Where the embedded PostgreSQL's password is kept (mode 0600, made on first start); then every
     * connection needs it (scram-sha-256). null: trust authentication on localhost (tests).
     */
    public Path postgresPasswordFile() { return postgresPasswordFile; }

    /**
     * Keycloak nodes started from the same distribution on the same database and Redis (1: a single node with
     * {@code --cache=local}; more: a cluster, {@code --cache=ispn} over the jdbc-ping stack). Node i (1-based) listens on
     * {@code httpPort + i - 1} and {@code managementPort + i - 1}, or on free ports when those are 0.
     */
    public int nodes() { return nodes; }
    /** JGroups port of node 1 (node i: + i - 1); 0: free ones. Only used with more than one node. */
    public int jgroupsPort() { return jgroupsPort; }
    /** The embedded Redis as a master, a replica and a Sentinel that fails over between them (tests). */
    public boolean redisSentinel() { return redisSentinel; }
    public boolean clustered() { return nodes > 1; }

    public boolean embeddedPostgres() { return externalJdbcUrl == null; }
    public boolean mailCatcher() { return smtpHost == null; }

    public static final class Builder {
        private Path keycloakHome;
        private Path javaHome;
        private int httpPort;
        private int managementPort;
        private final List<Path> realmFiles = new ArrayList<>();
        private Path passwordBlacklistsDir;
        private String adminUsername = "admin";
        private String adminPassword;
        private String externalJdbcUrl;
        private String externalDbUsername;
        private String externalDbPassword;
        private Path postgresDataDir;
        private int postgresPort;
        private Path postgresLogFile;
        private String smtpHost;
        private int smtpPort;
        private String smtpFrom = DEFAULT_SMTP_FROM;
        private int mailSmtpPort;
        private int mailHttpPort;
        private Path keycloakLogFile;
        private boolean inheritKeycloakEnv = true;
        private final List<String> extraKeycloakArgs = new ArrayList<>();
        private final Map<String, String> extraKeycloakEnv = new LinkedHashMap<>();
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private boolean shutdownHook = true;
        private boolean redis = true;
        private int redisPort;
        private String externalRedisUrl;
        private String redisKeyPrefix = "app-auth:";
        private BindAddress bindAddress = BindAddress.LOOPBACK;
        private String publicUrl;
        private boolean postgresDurable;
        private Path postgresPasswordFile;
        private int nodes = 1;
        private int jgroupsPort;
        private boolean redisSentinel;

        private Builder() {
        }

        public Builder keycloakHome(Path v) { keycloakHome = v; return this; }
        public Builder javaHome(Path v) { javaHome = v; return this; }
        public Builder httpPort(int v) { httpPort = checkPort(v); return this; }
        public Builder managementPort(int v) { managementPort = checkPort(v); return this; }
        public Builder realmFile(Path v) { realmFiles.add(Objects.requireNonNull(v)); return this; }
        public Builder passwordBlacklistsDir(Path v) { passwordBlacklistsDir = v; return this; }
        public Builder adminUsername(String v) { adminUsername = v; return this; }
        public Builder adminPassword(String v) { adminPassword = v; return this; }

        public Builder externalDatabase(String jdbcUrl, String username, String password) {
            externalJdbcUrl = jdbcUrl;
            externalDbUsername = username;
            externalDbPassword = password;
            return this;
        }

        public Builder postgresDataDir(Path v) { postgresDataDir = v; return this; }
        public Builder postgresPort(int v) { postgresPort = checkPort(v); return this; }
        public Builder postgresLogFile(Path v) { postgresLogFile = v; return this; }

        public Builder externalSmtp(String host, int port) {
            smtpHost = host;
            smtpPort = port;
            return this;
        }

        public Builder smtpFrom(String v) { smtpFrom = v; return this; }
        public Builder mailSmtpPort(int v) { mailSmtpPort = checkPort(v); return this; }
        public Builder mailHttpPort(int v) { mailHttpPort = checkPort(v); return this; }
        public Builder keycloakLogFile(Path v) { keycloakLogFile = v; return this; }
        public Builder inheritKeycloakEnv(boolean v) { inheritKeycloakEnv = v; return this; }
        public Builder extraKeycloakArgs(List<String> v) { extraKeycloakArgs.addAll(v); return this; }
        public Builder extraKeycloakEnv(String name, String value) { extraKeycloakEnv.put(name, value); return this; }
        public Builder readyTimeout(Duration v) { readyTimeout = v; return this; }
        public Builder shutdownHook(boolean v) { shutdownHook = v; return this; }
        /** false: no Redis at all (Keycloak's Infinispan store, in-memory rate limits). */
        public Builder redis(boolean v) { redis = v; return this; }
        public Builder redisPort(int v) { redisPort = checkPort(v); return this; }
        public Builder externalRedis(String url) { externalRedisUrl = url; return this; }
        public Builder redisKeyPrefix(String v) { redisKeyPrefix = v; return this; }

        public Builder bindAddress(BindAddress v) { bindAddress = v; return this; }
        public Builder publicUrl(String v) { publicUrl = v; return this; }
        public Builder postgresDurable(boolean v) { postgresDurable = v; return this; }
        public Builder postgresPasswordFile(Path v) { postgresPasswordFile = v; return this; }
        public Builder nodes(int v) { nodes = v; return this; }
        public Builder jgroupsPort(int v) { jgroupsPort = checkPort(v); return this; }
        public Builder redisSentinel(boolean v) { redisSentinel = v; return this; }

        public StackConfig build() {
            return new StackConfig(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            return port;
        }
    }
}
