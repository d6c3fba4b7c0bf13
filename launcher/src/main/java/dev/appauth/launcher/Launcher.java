package dev.appauth.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Main class of ./run.sh: starts the local stack in the foreground, prints where everything is,
 * and stops it all on Ctrl-C.
 */
public final class Launcher {

    /** What a data directory made by the launcher contains; --fresh refuses to wipe anything else. */
    private static final Set<String> DATA_DIR_ENTRIES = Set.of("postgres", "postgres.log", Credentials.ADMIN_FILE, Credentials.DATABASE_FILE);
    /** Keycloak's log with --nodes 2 or more: keycloak.log for node 1, keycloak-node<i>.log for node i. */
    static final String KEYCLOAK_LOG = "keycloak.log";

    /** Held here because JUL keeps loggers weakly: a collected logger would forget its level. */
    private static List<Logger> quietLoggers;

    private Launcher() {
    }

    public static void main(String[] args) {
        CommandLine cli = LauncherOptions.commandLine(System.getenv());
        cli.setExecutionStrategy(parsed -> {
            Integer helpExitCode = CommandLine.executeHelpRequest(parsed);
            if (helpExitCode != null) {
                return helpExitCode;
            }
            LauncherOptions options = cli.getCommand();
            options.validate(cli, args);
            configureLogging();
            try {
                return run(options);
            } catch (KeycloakStack.StackException | IllegalStateException | IOException e) {
                System.err.println();
                System.err.println("run.sh: " + e.getMessage());
                return 1;
            }
        });
        System.exit(cli.execute(args));
    }

    private static int run(LauncherOptions o) throws IOException {
        long t0 = System.nanoTime();
        Path root = o.repoRoot.toAbsolutePath().normalize();
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

        Path credentialsFile = dataDir.resolve(Credentials.ADMIN_FILE);
        Credentials admin;
        String adminNote;
        if (o.adminPassword != null) {
            admin = new Credentials(o.adminUser, o.adminPassword);
            adminNote = "as given by --admin-user/--admin-password (or KC_BOOTSTRAP_ADMIN_*)";
        } else if (Files.exists(credentialsFile) && !newDatabase) {
            admin = Credentials.read(credentialsFile);
            adminNote = "user " + admin.username() + ", password in " + credentialsFile;
        } else if (!newDatabase && embeddedPostgres) {
            // the master realm exists already; a new bootstrap password would not take effect
            admin = new Credentials(o.adminUser, Credentials.randomPassword());
            adminNote = "unknown: " + credentialsFile + " is missing but the database is not new; "
                    + "use --fresh to start over";
        } else {
            Files.deleteIfExists(credentialsFile);
            admin = new Credentials(o.adminUser, Credentials.randomPassword());
            admin.write(credentialsFile, "Keycloak bootstrap admin (master realm) of ./run.sh; it takes effect "
                    + "when Keycloak creates the master realm, i.e. on a new database");
            adminNote = "user " + admin.username() + ", password " + admin.password()
                    + "\n                  (shown once; saved in " + credentialsFile + ", mode 0600)";
        }

        StackConfig.Builder config = StackConfig.builder()
                .keycloakHome(o.keycloakHome != null ? root.resolve(o.keycloakHome)
                        : root.resolve("launcher/target/keycloak-" + LauncherVersion.KEYCLOAK))
                .httpPort(o.httpPort)
                .managementPort(o.managementPort)
                .nodes(o.nodes)
                .jgroupsPort(o.jgroupsPort)
                .bindAddress(o.bind)
                .publicUrl(o.publicUrlOrDefault())
                .realmFile(realmFile)
                .passwordBlacklistsDir(realmFile.getParent().resolve("password-blacklists"))
                .adminUsername(admin.username())
                .adminPassword(admin.password())
                .smtpFrom(o.smtpFrom)
                .mailSmtpPort(o.mailPort)
                .mailHttpPort(o.mailHttpPort)
                .extraKeycloakArgs(o.keycloakArgs);
        if (o.nodes > 1) {
            // one console cannot show several servers readably: each node writes its own log in the data directory
            config.keycloakLogFile(dataDir.resolve(KEYCLOAK_LOG));
        }
        if (embeddedPostgres) {
            config.postgresDataDir(pgDir).postgresPort(o.pgPort).postgresLogFile(dataDir.resolve("postgres.log"))
                    .postgresDurable(true).postgresPasswordFile(dataDir.resolve(Credentials.DATABASE_FILE));
        } else {
            config.externalDatabase(o.dbUrl, o.dbUser, o.dbPassword);
        }
        if (o.smtpHost != null) {
            config.externalSmtp(o.smtpHost, o.smtpPort);
        }
        config.redis(!o.noRedis).redisPort(o.redisPort).redisKeyPrefix(o.redisKeyPrefix).redisSentinel(o.redisSentinel);
        if (!o.noRedis && o.redisUrl != null) {
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
        Process exited = stack.anyNodeExit().join();
        if (stack.isClosed()) {
            return 0;
        }
        int code = exited.exitValue();
        System.err.println("run.sh: a Keycloak node exited with code " + code + "; stopping the rest");
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
        stack.close();
        return code == 0 ? 1 : code;
    }

    private static void printBanner(PrintStream out, KeycloakStack stack, String realm, String adminNote, long seconds) {
        String line = "=".repeat(78);
        out.println();
        out.println(line);
        out.printf(" app-auth is up (Keycloak %s, started in %d s). Ctrl-C stops everything.%n", LauncherVersion.KEYCLOAK, seconds);
        out.printf("   Public URL    : %s  (issuer and mailed links; --public-url)%n", stack.baseUrl());
        out.printf("   Listening on  : %s  (Keycloak :%d and :%d, mail catcher, Redis; --bind)%n",
                stack.bindAddress(), stack.httpPort(), stack.managementPort());
        if (stack.nodeCount() > 1) {
            out.printf("   Cluster       : %d Keycloak nodes, cache=ispn, jdbc-ping over the database; put a load balancer"
                    + " at --public-url in front of them%n", stack.nodeCount());
            for (int i = 1; i <= stack.nodeCount(); i++) {
                out.printf("     node %d      : %s  (health %s/health/ready, JGroups :%d, log %s)%n", i, stack.nodeUrl(i),
                        stack.nodeManagementUrl(i), stack.nodeJgroupsPort(i), stack.nodeLogFile(i));
            }
        }
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
        if (stack.config().postgresPasswordFile() != null) {
            out.printf("                   user %s, password in %s (scram-sha-256%s)%n", stack.dbUsername(),
                    stack.config().postgresPasswordFile(), stack.config().postgresDurable() ? ", fsync on" : "");
        }
        switch (stack.config().redisMode()) {
            case EMBEDDED -> {
                if (stack.redisSentinel() != null) {
                    out.printf("   Redis         : Sentinel %s, master '%s' (embedded master :%d and replica, key prefix %s)%n",
                            stack.redisSentinel().sentinelAddress(), RedisSentinelService.MASTER_NAME,
                            stack.redisSentinel().currentMasterPort(), stack.config().redisKeyPrefix());
                } else {
                    out.printf("   Redis         : %s  (embedded, key prefix %s)%n", stack.redis().url(), stack.config().redisKeyPrefix());
                }
            }
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
                    .filter(n -> !DATA_DIR_ENTRIES.contains(n) && !n.matches("keycloak(-node\\d+)?\\.log")).sorted().toList();
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
}
