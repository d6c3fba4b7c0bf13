package dev.appauth.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Main class of ./run.sh: starts the local stack in the foreground, prints where everything is,
 * and stops it all on Ctrl-C.
 */
public final class Launcher {

    static final String KEYCLOAK_VERSION = readKeycloakVersion();
    /** What a data directory made by the launcher contains; --fresh refuses to wipe anything else. */
    private static final Set<String> DATA_DIR_ENTRIES = Set.of("postgres", "postgres.log", AdminCredentials.FILE_NAME);

    /** Held here because JUL keeps loggers weakly: a collected logger would forget its level. */
    private static List<Logger> quietLoggers;

    private Launcher() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("run.sh: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (options.help) {
            Options.printHelp(System.out);
            return;
        }
        configureLogging();
        try {
            System.exit(run(options));
        } catch (KeycloakStack.StackException | IllegalStateException | IOException e) {
            System.err.println();
            System.err.println("run.sh: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int run(Options o) throws IOException {
        long t0 = System.nanoTime();
        Path root = o.repoRoot;
        Path dataDir = root.resolve(o.dataDir).normalize();
        if (o.fresh) {
            wipeDataDir(dataDir);
        }
        Files.createDirectories(dataDir);
        Path realmFile = root.resolve(o.realmFile).normalize();
        if (!Files.isRegularFile(realmFile)) {
            throw new IOException("Realm file not found: " + realmFile + " (--realm-file)");
        }
        boolean embeddedPostgres = o.dbUrl == null;
        Path pgDir = dataDir.resolve("postgres");
        boolean newDatabase = embeddedPostgres && !Files.exists(pgDir.resolve("postgresql.conf"));

        Path credentialsFile = dataDir.resolve(AdminCredentials.FILE_NAME);
        AdminCredentials admin;
        String adminNote;
        if (o.adminPassword != null) {
            admin = new AdminCredentials(o.adminUser, o.adminPassword);
            adminNote = "as given by --admin-user/--admin-password (or KC_BOOTSTRAP_ADMIN_*)";
        } else if (Files.exists(credentialsFile) && !newDatabase) {
            admin = AdminCredentials.read(credentialsFile);
            adminNote = "user " + admin.username() + ", password in " + credentialsFile;
        } else if (!newDatabase && embeddedPostgres) {
            // the master realm exists already; a new bootstrap password would not take effect
            admin = new AdminCredentials(o.adminUser, AdminCredentials.randomPassword());
            adminNote = "unknown: " + credentialsFile + " is missing but the database is not new; "
                    + "use --fresh to start over";
        } else {
            Files.deleteIfExists(credentialsFile);
            admin = new AdminCredentials(o.adminUser, AdminCredentials.randomPassword());
            admin.write(credentialsFile);
            adminNote = "user " + admin.username() + ", password " + admin.password()
                    + "\n                  (shown once; saved in " + credentialsFile + ", mode 0600)";
        }

        StackConfig.Builder config = StackConfig.builder()
                .keycloakHome(o.keycloakHome != null ? root.resolve(o.keycloakHome)
                        : root.resolve("launcher/target/keycloak-" + KEYCLOAK_VERSION))
                .httpPort(o.httpPort)
                .managementPort(o.managementPort)
                .realmFile(realmFile)
                .passwordBlacklistsDir(realmFile.getParent().resolve("password-blacklists"))
                .adminUsername(admin.username())
                .adminPassword(admin.password())
                .smtpFrom(o.smtpFrom)
                .mailSmtpPort(o.mailPort)
                .mailHttpPort(o.mailHttpPort)
                .extraKeycloakArgs(o.keycloakArgs);
        if (embeddedPostgres) {
            config.postgresDataDir(pgDir).postgresPort(o.pgPort).postgresLogFile(dataDir.resolve("postgres.log"));
        } else {
            config.externalDatabase(o.dbUrl, o.dbUser, o.dbPassword);
        }
        if (o.smtpHost != null) {
            config.externalSmtp(o.smtpHost, o.smtpPort);
        }
        config.redis(o.redis).redisPort(o.redisPort).redisKeyPrefix(o.redisKeyPrefix);
        if (o.redis && o.redisUrl != null) {
            config.externalRedis(o.redisUrl);
        }

        KeycloakStack stack = KeycloakStack.start(config.build());
        // the stack's own hook stops it too; this one waits for that and says so (JUL is reset at exit, System.err is not)
        Thread stopOnExit = new Thread(() -> {
            System.err.println("run.sh: stopping ...");
            stack.close();
            System.err.println("run.sh: stopped.");
        }, "launcher-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        printBanner(System.out, stack, realmName(realmFile), adminNote, seconds);

        // the shutdown hook of the stack does the stopping on Ctrl-C; here we only notice a crash
        Process exited = stack.keycloakExit().join();
        if (stack.isClosed()) {
            return 0;
        }
        int code = exited.exitValue();
        System.err.println("run.sh: Keycloak exited with code " + code + "; stopping the rest");
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
        stack.close();
        return code == 0 ? 1 : code;
    }

    private static void printBanner(PrintStream out, KeycloakStack stack, String realm, String adminNote, long seconds) {
        String line = "=".repeat(78);
        out.println();
        out.println(line);
        out.printf(" app-auth is up (Keycloak %s, started in %d s). Ctrl-C stops everything.%n", KEYCLOAK_VERSION, seconds);
        out.printf("   Admin console : %s/admin/%n", stack.baseUrl());
        out.printf("   Admin login   : %s%n", adminNote);
        out.printf("   /auth API     : %s/auth/%n", stack.realmUrl(realm));
        if (stack.mailApiUrl() != null) {
            out.printf("   Mail catcher  : %s  (SMTP %s:%d, JSON at api/messages)%n",
                    stack.mailApiUrl(), stack.smtpHost(), stack.smtpPort());
        } else {
            out.printf("   Mail          : external SMTP %s:%d%n", stack.smtpHost(), stack.smtpPort());
        }
        out.printf("   Database      : %s%s%n", stack.jdbcUrl(),
                stack.postgresDataDir() != null ? "  (embedded, data in " + stack.postgresDataDir() + ")" : "");
        switch (stack.config().redisMode()) {
            case EMBEDDED -> out.printf("   Redis         : %s  (embedded, key prefix %s)%n", stack.redis().url(), stack.config().redisKeyPrefix());
            case EXTERNAL -> out.printf("   Redis         : external, key prefix %s%n", stack.config().redisKeyPrefix());
            case OFF -> out.println("   Redis         : off (Keycloak's own single-use store, in-memory rate limits)");
        }
        out.printf("   Health        : %s/health/ready%n", stack.managementUrl());
        out.println(line);
        out.flush();
    }

    /** The realm's name from the realm file, for the /auth URL in the banner. */
    static String realmName(Path realmFile) {
        try {
            String name = new ObjectMapper().readTree(realmFile.toFile()).path("realm").asText("");
            return name.isEmpty() ? "app" : name;
        } catch (IOException e) {
            return "app";
        }
    }

    /** Deletes the data directory, but only if it holds nothing the launcher did not create. */
    static void wipeDataDir(Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dataDir)) {
            List<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(n -> !DATA_DIR_ENTRIES.contains(n)).sorted().toList();
            if (!foreign.isEmpty()) {
                throw new IOException("--fresh: not wiping " + dataDir + ": it holds files the launcher did not create "
                        + foreign + ". Remove it yourself or choose another --data-dir.");
            }
        }
        Path pid = dataDir.resolve("postgres/postmaster.pid");
        if (Files.isRegularFile(pid)) {
            // a postmaster.pid is left behind by a crash too; only a live process blocks the wipe
            String first = Files.readAllLines(pid).stream().findFirst().orElse("").trim();
            if (first.matches("\\d+") && ProcessHandle.of(Long.parseLong(first)).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IOException("--fresh: PostgreSQL (pid " + first + ") still runs on " + dataDir
                        + "; stop the other ./run.sh first");
            }
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** One line per record on stderr; the libraries' INFO chatter (zonky, GreenMail) is left out. */
    private static void configureLogging() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s [launcher] %5$s%6$s%n");
        Logger.getLogger("").setLevel(Level.INFO);
        quietLoggers = List.of(Logger.getLogger("io.zonky"), Logger.getLogger("com.icegreen"));
        quietLoggers.forEach(l -> l.setLevel(Level.WARNING));
    }

    private static String readKeycloakVersion() {
        try (InputStream in = Launcher.class.getResourceAsStream("/app-auth-launcher.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("keycloak.version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Command-line options of ./run.sh; paths stay relative here and are resolved against the repo root. */
    static final class Options {
        Path repoRoot = Path.of("").toAbsolutePath();
        int httpPort = 8080;
        int managementPort = 9000;
        String dbUrl;
        String dbUser;
        String dbPassword;
        int pgPort = 5433;
        Path dataDir = Path.of(".data");
        boolean fresh;
        String smtpHost;
        int smtpPort = 25;
        String smtpFrom = StackConfig.DEFAULT_SMTP_FROM;
        int mailPort = 3025;
        int mailHttpPort = 8025;
        Path realmFile = Path.of("realm-config/app-realm.json");
        int redisPort = 6380;
        String redisUrl;
        String redisKeyPrefix = "app-auth:";
        boolean redis = true;
        String adminUser = "admin";
        String adminPassword;
        Path keycloakHome;
        List<String> keycloakArgs = new ArrayList<>();
        boolean help;

        private record Spec(String name, String arg, String env, String help) {
        }

        private static final List<Spec> SPECS = List.of(
                new Spec("--repo-root", "DIR", null, "repository root; relative paths resolve against it (default: the working directory)"),
                new Spec("--http-port", "N", null, "Keycloak HTTP port (default 8080)"),
                new Spec("--management-port", "N", null, "Keycloak management port: health, metrics (default 9000)"),
                new Spec("--db-url", "JDBC_URL", "KC_DB_URL", "use an existing PostgreSQL instead of the embedded one"),
                new Spec("--db-user", "NAME", "KC_DB_USERNAME", "its user"),
                new Spec("--db-password", "PASSWORD", "KC_DB_PASSWORD", "its password"),
                new Spec("--pg-port", "N", null, "port of the embedded PostgreSQL (default 5433)"),
                new Spec("--data-dir", "DIR", null, "embedded PostgreSQL data, its log and the admin credentials (default .data)"),
                new Spec("--fresh", null, null, "wipe the data directory first (new database, new admin password)"),
                new Spec("--smtp-host", "HOST", null, "send mail through this SMTP server instead of the mail catcher"),
                new Spec("--smtp-port", "N", null, "its port (default 25)"),
                new Spec("--smtp-from", "ADDRESS", null, "sender address (default " + StackConfig.DEFAULT_SMTP_FROM + ")"),
                new Spec("--mail-port", "N", null, "SMTP port of the mail catcher (default 3025)"),
                new Spec("--mail-http-port", "N", null, "HTTP port of the mail catcher's web view and JSON API (default 8025)"),
                new Spec("--redis-port", "N", null, "port of the embedded Redis (default 6380)"),
                new Spec("--redis-url", "URL", "APP_AUTH_REDIS_URL", "use an existing Redis (redis:// or rediss://) instead of the embedded one"),
                new Spec("--redis-key-prefix", "PREFIX", null, "prefix of every key in Redis (default app-auth:)"),
                new Spec("--no-redis", null, null, "no Redis: Keycloak's own single-use store, in-memory rate limits (single node only)"),
                new Spec("--realm-file", "FILE", null, "realm to import if it does not exist yet (default realm-config/app-realm.json)"),
                new Spec("--admin-user", "NAME", "KC_BOOTSTRAP_ADMIN_USERNAME", "bootstrap admin of the master realm (default admin)"),
                new Spec("--admin-password", "PASSWORD", "KC_BOOTSTRAP_ADMIN_PASSWORD",
                        "its password (default: random on a new data dir, saved in <data-dir>/admin-credentials)"),
                new Spec("--keycloak-home", "DIR", null, "unpacked Keycloak (default launcher/target/keycloak-" + KEYCLOAK_VERSION + ")"),
                new Spec("--no-build", null, null, "(run.sh) start without running Maven first"),
                new Spec("--help", null, null, "this text"));

        static Options parse(String[] args, Map<String, String> env) {
            Options o = new Options();
            Map<String, String> values = new LinkedHashMap<>();
            for (Spec s : SPECS) {
                if (s.env() != null && env.get(s.env()) != null && !env.get(s.env()).isEmpty()) {
                    values.put(s.name(), env.get(s.env()));
                }
            }
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--")) {
                    o.keycloakArgs.addAll(List.of(args).subList(i + 1, args.length));
                    break;
                }
                int eq = a.indexOf('=');
                String name = eq > 0 ? a.substring(0, eq) : a;
                Spec spec = SPECS.stream().filter(s -> s.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown option " + name));
                if (spec.arg() == null) {
                    if (eq > 0) {
                        throw new IllegalArgumentException(name + " takes no value");
                    }
                    values.put(name, "true");
                } else if (eq > 0) {
                    values.put(name, a.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    values.put(name, args[++i]);
                } else {
                    throw new IllegalArgumentException(name + " needs a value (" + spec.arg() + ")");
                }
            }
            values.forEach((name, value) -> o.set(name, value));
            if (!o.redis && o.redisUrl != null) {
                throw new IllegalArgumentException("--no-redis and --redis-url exclude each other");
            }
            if (o.dbUrl != null && o.dbUser == null) {
                throw new IllegalArgumentException("--db-url needs --db-user (or KC_DB_USERNAME)");
            }
            return o;
        }

        private void set(String name, String v) {
            switch (name) {
                case "--repo-root" -> repoRoot = Path.of(v).toAbsolutePath().normalize();
                case "--http-port" -> httpPort = port(name, v);
                case "--management-port" -> managementPort = port(name, v);
                case "--db-url" -> dbUrl = v;
                case "--db-user" -> dbUser = v;
                case "--db-password" -> dbPassword = v;
                case "--pg-port" -> pgPort = port(name, v);
                case "--data-dir" -> dataDir = Path.of(v);
                case "--fresh" -> fresh = true;
                case "--smtp-host" -> smtpHost = v;
                case "--smtp-port" -> smtpPort = port(name, v);
                case "--smtp-from" -> smtpFrom = v;
                case "--mail-port" -> mailPort = port(name, v);
                case "--mail-http-port" -> mailHttpPort = port(name, v);
                case "--redis-port" -> redisPort = port(name, v);
                case "--redis-url" -> redisUrl = v;
                case "--redis-key-prefix" -> redisKeyPrefix = v;
                case "--no-redis" -> redis = false;
                case "--realm-file" -> realmFile = Path.of(v);
                case "--admin-user" -> adminUser = v;
                case "--admin-password" -> adminPassword = v;
                case "--keycloak-home" -> keycloakHome = Path.of(v);
                case "--no-build" -> { /* consumed by run.sh; accepted here so it may stay in "$@" */ }
                case "--help" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }

        private static int port(String name, String v) {
            try {
                int p = Integer.parseInt(v);
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a port: " + v);
            }
        }

        static void printHelp(PrintStream out) {
            out.println("Usage: ./run.sh [options] [-- keycloak options]");
            out.println();
            out.println("Builds the project (unless --no-build) and starts, in the foreground, an embedded PostgreSQL,");
            out.println("a mail catcher and Keycloak " + KEYCLOAK_VERSION + " with the app-auth providers and the realm.");
            out.println("Ctrl-C stops everything. Options after -- go to kc.sh start unchanged.");
            out.println();
            for (Spec s : SPECS) {
                String left = s.name() + (s.arg() != null ? " " + s.arg() : "");
                out.printf("  %-28s %s%n", left, s.help());
                if (s.env() != null) {
                    out.printf("  %-28s (env %s)%n", "", s.env());
                }
            }
        }
    }
}
