package dev.appauth.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line and environment of {@code kc.sh start} for a stack: what the configuration asks for
 * plus what each started service contributes. Secrets (admin and database passwords, Redis URLs) go
 * through the environment so that they do not show in ps.
 */
final class KeycloakArguments {

    /** Option of Keycloak's passwordBlacklist policy provider (DenylistPasswordPolicyProviderFactory, SPI password-policy). */
    static final String BLACKLISTS_PATH_OPTION = "--spi-password-policy--password-blacklist--blacklists-path";

    /**
     * Keycloak feature behind the bundle's admin-console tab (Realm settings, Auth API): the declarative-UI
     * SPI, experimental in Keycloak 26.7. Without it the tab is absent and the API works unchanged.
     */
    static final String CONSOLE_TAB_FEATURE = "declarative-ui";
    /** Lets the tab find the allowed clients by a database query instead of scanning every client. */
    static final String BRUTE_FORCE_CONCURRENT_OPTION =
            "--spi-brute-force-protector--default-brute-force-detector--allow-concurrent-requests";
    static final String SEARCHABLE_ATTRIBUTES_OPTION = "--spi-client--jpa--searchable-attributes";
    static final String ALLOWED_CLIENT_ATTRIBUTE = "auth-api.allowed";

    /**
     * Where the services ended up once started: resolved ports, the database, the SMTP server; and, for a node of a
     * cluster, its JGroups port (0: a single node).
     */
    record Endpoints(String publicUrl, int httpPort, int managementPort, Database database, String smtpHost, int smtpPort,
                     int jgroupsPort) {
        Endpoints(String publicUrl, int httpPort, int managementPort, Database database, String smtpHost, int smtpPort) {
            this(publicUrl, httpPort, managementPort, database, smtpHost, smtpPort, 0);
        }
    }

    private final StackConfig config;
    private final Endpoints endpoints;
    private final Iterable<StackService> services;

    KeycloakArguments(StackConfig config, Endpoints endpoints, Iterable<StackService> services) {
        this.config = config;
        this.endpoints = endpoints;
        this.services = services;
    }

    List<String> args() {
        Database database = endpoints.database();
        List<String> args = new ArrayList<>(List.of(
                "start",
                "--http-enabled=true",
                // every URL Keycloak builds (issuer, links in mails) from configuration, never from a request's Host
                "--hostname=" + endpoints.publicUrl(),
                // the management interface (health, metrics) inherits it
                "--http-host=" + config.bindAddress().host(),
                "--http-port=" + endpoints.httpPort(),
                "--http-management-port=" + endpoints.managementPort(),
                "--health-enabled=true",
                "--metrics-enabled=true",
                "--db=postgres",
                "--db-url=" + database.jdbcUrl(),
                "--db-username=" + database.username(),
                // a user on two devices must not be told the password is wrong: Keycloak's brute-force detector
                // otherwise refuses a login while another of the same user runs (keycloak#48272); failures still count
                BRUTE_FORCE_CONCURRENT_OPTION + "=true"));
        args.addAll(cacheArgs());
        if (!config.realmFiles().isEmpty()) {
            args.add("--import-realm");
        }
        Path blacklists = config.passwordBlacklistsDir();
        if (blacklists != null && Files.isDirectory(blacklists)) {
            args.add(BLACKLISTS_PATH_OPTION + "=" + blacklists.toAbsolutePath().normalize());
        }
        for (StackService s : services) {
            args.addAll(s.keycloakArgs());
        }
        if (config.redisMode() == StackConfig.RedisMode.EXTERNAL) {
            args.addAll(RedisService.keycloakOptions(config.redisKeyPrefix()));
        }
        args.addAll(config.extraKeycloakArgs());
        args = withListOption(args, "--features", keycloakEnv("KC_FEATURES"), CONSOLE_TAB_FEATURE);
        return withListOption(args, SEARCHABLE_ATTRIBUTES_OPTION,
                keycloakEnv("KC_SPI_CLIENT__JPA__SEARCHABLE_ATTRIBUTES"), ALLOWED_CLIENT_ATTRIBUTE);
    }

    /**
     * One node: Keycloak's local caches. Several: a cluster as Keycloak's high-availability guide sets it up, embedded
     * Infinispan over JGroups with the jdbc-ping stack (the nodes find each other through a table in the shared
     * database), each node on its own transport port of the stack's address: on one machine, loopback.
     */
    List<String> cacheArgs() {
        if (endpoints.jgroupsPort() == 0) {
            return List.of("--cache=local");
        }
        return List.of(
                "--cache=ispn",
                "--cache-stack=jdbc-ping",
                "--cache-embedded-network-bind-address=" + config.bindAddress().localHost(),
                "--cache-embedded-network-bind-port=" + endpoints.jgroupsPort());
    }

    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", config.adminUsername());
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", config.adminPassword());
        // Keycloak's --db-password, through the environment rather than the command line, so that it does not show in ps
        if (endpoints.database().password() != null) {
            env.put("KC_DB_PASSWORD", endpoints.database().password());
        }
        // the realm file refers to these as ${APP_AUTH_SMTP_...}
        env.put("APP_AUTH_SMTP_HOST", endpoints.smtpHost());
        env.put("APP_AUTH_SMTP_PORT", Integer.toString(endpoints.smtpPort()));
        env.put("APP_AUTH_SMTP_FROM", config.smtpFrom());
        for (StackService s : services) {
            env.putAll(s.keycloakEnv());
        }
        if (config.redisMode() == StackConfig.RedisMode.EXTERNAL) {
            env.putAll(RedisService.keycloakEnv(config.externalRedisUrl()));
        }
        env.putAll(config.extraKeycloakEnv());
        return env;
    }

    /** A Keycloak variable as the server will see it. */
    private String keycloakEnv(String name) {
        return config.extraKeycloakEnv().getOrDefault(name, config.inheritKeycloakEnv() ? System.getenv(name) : null);
    }

    /**
     * Adds a value to a comma-separated Keycloak option, keeping the values already given (in the
     * arguments, or in its environment variable, which the argument would override).
     */
    static List<String> withListOption(List<String> args, String option, String envValue, String value) {
        List<String> result = new ArrayList<>(args);
        for (int i = 0; i < result.size(); i++) {
            String arg = result.get(i);
            if (arg.startsWith(option + "=")) {
                result.set(i, option + "=" + addValue(arg.substring(option.length() + 1), value));
                return result;
            }
            if (arg.equals(option) && i + 1 < result.size()) {
                result.set(i + 1, addValue(result.get(i + 1), value));
                return result;
            }
        }
        result.add(option + "=" + addValue(envValue, value));
        return result;
    }

    private static String addValue(String values, String value) {
        if (values == null || values.isBlank()) {
            return value;
        }
        for (String v : values.split(",")) {
            // a feature may carry its version: declarative-ui:v1
            if (v.trim().equals(value) || v.trim().startsWith(value + ":")) {
                return values;
            }
        }
        return values + "," + value;
    }
}
