package dev.appauth.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.UnmatchedArgumentException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Command line of ./run.sh, parsed by picocli. Paths stay relative here and are resolved against the
 * repository root by {@link Launcher}. A few options fall back to environment variables (listed in
 * {@link #ENVIRONMENT}); an option given on the command line wins over its variable.
 */
@Command(name = "run.sh", mixinStandardHelpOptions = true, versionProvider = LauncherVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        customSynopsis = "./run.sh [OPTIONS] [-- KEYCLOAK_OPTION...]",
        description = {
                "",
                "Builds the project (unless --no-build) and starts, in the foreground, an embedded PostgreSQL, "
                        + "an embedded Redis, a mail catcher and Keycloak with the app-auth providers and the realm. "
                        + "They listen on 127.0.0.1 unless --bind says otherwise. Ctrl-C stops everything.",
                ""})
final class LauncherOptions {

    static final String ENV_DB_URL = "KC_DB_URL";
    static final String ENV_DB_USER = "KC_DB_USERNAME";
    static final String ENV_DB_PASSWORD = "KC_DB_PASSWORD";
    static final String ENV_REDIS_URL = "APP_AUTH_REDIS_URL";
    static final String ENV_ADMIN_USER = "KC_BOOTSTRAP_ADMIN_USERNAME";
    static final String ENV_ADMIN_PASSWORD = "KC_BOOTSTRAP_ADMIN_PASSWORD";

    /** Options that default to an environment variable. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "--db-url", ENV_DB_URL,
            "--db-user", ENV_DB_USER,
            "--db-password", ENV_DB_PASSWORD,
            "--redis-url", ENV_REDIS_URL,
            "--admin-user", ENV_ADMIN_USER,
            "--admin-password", ENV_ADMIN_PASSWORD);

    // The env-backed options do not show ${DEFAULT-VALUE}: it would print a password taken from the environment.

    @Option(names = "--repo-root", paramLabel = "DIR",
            description = "repository root; relative paths resolve against it (default: the working directory)")
    Path repoRoot = Path.of("").toAbsolutePath();

    @Option(names = "--bind", paramLabel = "ADDRESS", converter = BindAddress.Converter.class,
            description = "IP address Keycloak, the mail catcher and Redis listen on, e.g. 0.0.0.0 for every "
                    + "interface (default ${DEFAULT-VALUE}; PostgreSQL always listens on localhost only)")
    BindAddress bind = BindAddress.LOOPBACK;

    @Option(names = "--public-url", paramLabel = "URL", converter = PublicUrlConverter.class,
            description = "URL at which browsers and apps reach Keycloak; the issuer of its tokens and every link "
                    + "it mails start with it (Keycloak's --hostname; default http://localhost:<http-port>)")
    URI publicUrl;

    @Option(names = "--http-port", paramLabel = "N", converter = PortConverter.class,
            description = "Keycloak HTTP port (default ${DEFAULT-VALUE})")
    int httpPort = 8080;

    @Option(names = "--management-port", paramLabel = "N", converter = PortConverter.class,
            description = "Keycloak management port: health, metrics (default ${DEFAULT-VALUE})")
    int managementPort = 9000;

    @Option(names = "--nodes", paramLabel = "N",
            description = "Keycloak nodes to start, clustered (cache=ispn, jdbc-ping over the database); node i listens "
                    + "on --http-port + i - 1, --management-port + i - 1 and JGroups --jgroups-port + i - 1 "
                    + "(default ${DEFAULT-VALUE})")
    int nodes = 1;

    @Option(names = "--jgroups-port", paramLabel = "N", converter = PortConverter.class,
            description = "cluster transport (JGroups) port of node 1, with --nodes 2 or more (default ${DEFAULT-VALUE})")
    int jgroupsPort = 7800;

    @Option(names = "--db-url", paramLabel = "JDBC_URL",
            description = "use an existing PostgreSQL instead of the embedded one (env " + ENV_DB_URL + ")")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "NAME", description = "its user (env " + ENV_DB_USER + ")")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", description = "its password (env " + ENV_DB_PASSWORD + ")")
    String dbPassword;

    @Option(names = "--pg-port", paramLabel = "N", converter = PortConverter.class,
            description = "port of the embedded PostgreSQL (default ${DEFAULT-VALUE})")
    int pgPort = 5433;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "embedded PostgreSQL data, its log and the admin credentials (default ${DEFAULT-VALUE})")
    Path dataDir = Path.of(".data");

    @Option(names = "--fresh", arity = "0",
            description = "wipe the data directory first (new database, new admin password)")
    boolean fresh;

    @Option(names = "--smtp-host", paramLabel = "HOST",
            description = "send mail through this SMTP server instead of the mail catcher")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "N", converter = PortConverter.class,
            description = "its port (default ${DEFAULT-VALUE})")
    int smtpPort = 25;

    @Option(names = "--smtp-from", paramLabel = "ADDRESS", description = "sender address (default ${DEFAULT-VALUE})")
    String smtpFrom = StackConfig.DEFAULT_SMTP_FROM;

    @Option(names = "--mail-port", paramLabel = "N", converter = PortConverter.class,
            description = "SMTP port of the mail catcher (default ${DEFAULT-VALUE})")
    int mailPort = 3025;

    @Option(names = "--mail-http-port", paramLabel = "N", converter = PortConverter.class,
            description = "HTTP port of the mail catcher's web view and JSON API (default ${DEFAULT-VALUE})")
    int mailHttpPort = 8025;

    @Option(names = "--redis-port", paramLabel = "N", converter = PortConverter.class,
            description = "port of the embedded Redis (default ${DEFAULT-VALUE})")
    int redisPort = 6380;

    @Option(names = "--redis-url", paramLabel = "URL",
            description = "use an existing Redis (redis:// or rediss://) instead of the embedded one (env " + ENV_REDIS_URL + ")")
    String redisUrl;

    @Option(names = "--redis-key-prefix", paramLabel = "PREFIX",
            description = "prefix of every key in Redis (default ${DEFAULT-VALUE})")
    String redisKeyPrefix = "app-auth:";

    @Option(names = "--redis-sentinel", arity = "0",
            description = "the embedded Redis as a master (on --redis-port), a replica and a Sentinel that fails over "
                    + "between them; Keycloak connects through the Sentinel")
    boolean redisSentinel;

    @Option(names = "--no-redis", arity = "0",
            description = "no Redis: Keycloak's own single-use store, in-memory rate limits (single node only)")
    boolean noRedis;

    @Option(names = "--realm-file", paramLabel = "FILE",
            description = "realm to import if it does not exist yet (default ${DEFAULT-VALUE})")
    Path realmFile = Path.of("realm-config/app-realm.json");

    @Option(names = "--admin-user", paramLabel = "NAME",
            description = "bootstrap admin of the master realm (default admin; env " + ENV_ADMIN_USER + ")")
    String adminUser = "admin";

    @Option(names = "--admin-password", paramLabel = "PASSWORD",
            description = "its password (default: random on a new data dir, saved in <data-dir>/"
                    + Credentials.ADMIN_FILE + "; env " + ENV_ADMIN_PASSWORD + ")")
    String adminPassword;

    @Option(names = "--keycloak-home", paramLabel = "DIR",
            description = "unpacked Keycloak (default launcher/target/keycloak-<the Keycloak version of --version>)")
    Path keycloakHome;

    @Option(names = "--no-build", arity = "0",
            description = "(run.sh) start without running Maven first; the launcher ignores it")
    boolean noBuild;

    @Parameters(paramLabel = "KEYCLOAK_OPTION", description = "after --: passed to kc.sh start unchanged")
    List<String> keycloakArgs = new ArrayList<>();

    /** The command line with its error handling: one line on stderr and exit code 2 for a bad option. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new LauncherOptions());
        cli.setDefaultValueProvider(argument -> fromEnvironment(argument, env));
        // ./run.sh puts --repo-root first; a user's own --repo-root (or any repeated option) overrides it
        cli.setOverwrittenOptionsAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("run.sh: " + e.getMessage() + suggestions(e) + " (see --help)");
            return CommandLine.ExitCode.USAGE;
        });
        return cli;
    }

    /** Parses and checks; throws {@link ParameterException} with the message the user would see. */
    static LauncherOptions parse(String[] args, Map<String, String> env) {
        CommandLine cli = commandLine(env);
        cli.parseArgs(args);
        LauncherOptions options = cli.getCommand();
        options.validate(cli, args);
        return options;
    }

    /** What picocli cannot check by itself: options that need or exclude each other. */
    void validate(CommandLine cli, String[] args) {
        int delimiter = Arrays.asList(args).indexOf("--");
        int afterDelimiter = delimiter < 0 ? 0 : args.length - delimiter - 1;
        if (keycloakArgs.size() > afterDelimiter) {
            throw new ParameterException(cli, "unexpected argument '" + keycloakArgs.get(0)
                    + "'; Keycloak options go after --");
        }
        if (nodes < 1 || nodes > 9) {
            throw new ParameterException(cli, "--nodes must be between 1 and 9: " + nodes);
        }
        if (nodes > 1 && noRedis) {
            // Keycloak's own single-use store is clustered, but the memory rate limiter counts per node
            throw new ParameterException(cli, "--nodes " + nodes + " needs Redis: the in-memory rate limits of "
                    + "--no-redis would count per node");
        }
        if (redisSentinel && (noRedis || redisUrl != null)) {
            throw new ParameterException(cli, "--redis-sentinel is the embedded Redis: not with --no-redis or --redis-url");
        }
        if (noRedis && redisUrl != null) {
            throw new ParameterException(cli, "--no-redis and --redis-url exclude each other");
        }
        if (dbUrl != null && dbUser == null) {
            throw new ParameterException(cli, "--db-url needs --db-user (or " + ENV_DB_USER + ")");
        }
    }

    /** --public-url, else http://localhost:<http-port>. */
    String publicUrlOrDefault() {
        return publicUrl != null ? publicUrl.toString() : "http://localhost:" + httpPort;
    }

    private static String fromEnvironment(ArgSpec argument, Map<String, String> env) {
        if (argument instanceof OptionSpec option) {
            String variable = ENVIRONMENT.get(option.longestName());
            String value = variable != null ? env.get(variable) : null;
            return value == null || value.isEmpty() ? null : value;
        }
        return null;
    }

    private static String suggestions(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            return "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        return "";
    }

    static final class PortConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("not a port: " + value);
        }
    }

    /** An absolute http(s) URL with a host and without query or fragment; a trailing slash is dropped. */
    static final class PublicUrlConverter implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            try {
                URI uri = new URI(trimmed);
                boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
                if (http && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                        && uri.getRawUserInfo() == null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException(
                    "not an http(s) URL with a host and without query or fragment: " + value);
        }
    }
}
