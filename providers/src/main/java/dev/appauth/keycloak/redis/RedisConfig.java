package dev.appauth.keycloak.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import redis.clients.jedis.HostAndPort;

/**
 * How to reach Redis, read once from a provider's {@link Config.Scope}. Shared by every provider of the bundle that
 * talks to Redis, so the options are spelled the same everywhere, e.g. {@code --spi-single-use-object--redis--url}
 * and {@code --spi-app-auth-rate-limit--redis--url}.
 * <p>
 * The topology follows from the options: {@code cluster-nodes} means Redis Cluster, {@code sentinel-master} means
 * Sentinel, otherwise the single server in {@code url}. In the Sentinel and Cluster cases the url may still be given
 * for its scheme ({@code rediss://} for TLS), credentials and database; its host is not used.
 */
public record RedisConfig(
        Topology topology,
        HostAndPort endpoint,
        boolean tls,
        RedisTls tlsOptions,
        String username,
        String password,
        int database,
        String keyPrefix,
        int connectTimeoutMs,
        int socketTimeoutMs,
        int poolMaxTotal,
        String sentinelMaster,
        List<HostAndPort> sentinels,
        String sentinelUsername,
        String sentinelPassword,
        List<HostAndPort> clusterNodes,
        RedisReplicaAcks replicaAcks) {

    public enum Topology { STANDALONE, SENTINEL, CLUSTER }

    public static final String URL = "url";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String DATABASE = "database";
    public static final String KEY_PREFIX = "key-prefix";
    public static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";
    public static final String SOCKET_TIMEOUT_MS = "socket-timeout-ms";
    public static final String POOL_MAX_TOTAL = "pool-max-total";
    public static final String SENTINEL_MASTER = "sentinel-master";
    public static final String SENTINELS = "sentinels";
    public static final String SENTINEL_USERNAME = "sentinel-username";
    public static final String SENTINEL_PASSWORD = "sentinel-password";
    public static final String CLUSTER_NODES = "cluster-nodes";

    public static final String DEFAULT_URL = "redis://localhost:6379";
    public static final String DEFAULT_KEY_PREFIX = "app-auth:";
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2000;
    public static final int DEFAULT_SOCKET_TIMEOUT_MS = 2000;
    public static final int DEFAULT_POOL_MAX_TOTAL = 32;

    private static final int DEFAULT_PORT = 6379;

    public RedisConfig {
        sentinels = List.copyOf(sentinels);
        clusterNodes = List.copyOf(clusterNodes);
    }

    public static RedisConfig from(Config.Scope scope) {
        return parse(key -> blankToNull(scope.get(key)));
    }

    /** Reads the options through {@code option}, which returns {@code null} for an option that is not set. */
    public static RedisConfig parse(Function<String, String> option) {
        String url = option.apply(URL);
        URI uri = parseUrl(url == null ? DEFAULT_URL : url);

        String userInfo = uri.getUserInfo();
        String urlUser = null;
        String urlPassword = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            urlUser = colon < 0 ? null : blankToNull(userInfo.substring(0, colon));
            urlPassword = blankToNull(colon < 0 ? userInfo : userInfo.substring(colon + 1));
        }
        String path = uri.getPath();
        Integer urlDatabase = path == null || path.isEmpty() || path.equals("/") ? null : toInt(URL, path.substring(1));

        String username = orElse(option.apply(USERNAME), urlUser);
        String password = orElse(option.apply(PASSWORD), urlPassword);
        String databaseOption = option.apply(DATABASE);
        int database = databaseOption != null ? toInt(DATABASE, databaseOption) : urlDatabase != null ? urlDatabase : 0;
        String keyPrefix = orElse(option.apply(KEY_PREFIX), DEFAULT_KEY_PREFIX);
        int connectTimeout = positive(CONNECT_TIMEOUT_MS, option.apply(CONNECT_TIMEOUT_MS), DEFAULT_CONNECT_TIMEOUT_MS);
        int socketTimeout = positive(SOCKET_TIMEOUT_MS, option.apply(SOCKET_TIMEOUT_MS), DEFAULT_SOCKET_TIMEOUT_MS);
        int poolMaxTotal = positive(POOL_MAX_TOTAL, option.apply(POOL_MAX_TOTAL), DEFAULT_POOL_MAX_TOTAL);
        String sentinelMaster = option.apply(SENTINEL_MASTER);
        List<HostAndPort> sentinels = hostList(SENTINELS, option.apply(SENTINELS));
        String sentinelUsername = option.apply(SENTINEL_USERNAME);
        String sentinelPassword = option.apply(SENTINEL_PASSWORD);
        List<HostAndPort> clusterNodes = hostList(CLUSTER_NODES, option.apply(CLUSTER_NODES));

        if (database < 0) {
            throw invalid(DATABASE, "must not be negative");
        }
        Topology topology;
        if (!clusterNodes.isEmpty()) {
            if (sentinelMaster != null || !sentinels.isEmpty()) {
                throw invalid(CLUSTER_NODES, "cannot be combined with " + SENTINEL_MASTER + "/" + SENTINELS);
            }
            if (database != 0) {
                throw invalid(DATABASE, "Redis Cluster only has database 0");
            }
            topology = Topology.CLUSTER;
        } else if (sentinelMaster != null || !sentinels.isEmpty()) {
            if (sentinelMaster == null || sentinels.isEmpty()) {
                throw invalid(SENTINEL_MASTER, "Sentinel needs both " + SENTINEL_MASTER + " and " + SENTINELS);
            }
            topology = Topology.SENTINEL;
        } else {
            topology = Topology.STANDALONE;
        }
        if (topology != Topology.SENTINEL && (sentinelUsername != null || sentinelPassword != null)) {
            throw invalid(SENTINEL_PASSWORD, "and " + SENTINEL_USERNAME + " are for Sentinel (" + SENTINEL_MASTER + ")");
        }
        boolean tls = "rediss".equals(uri.getScheme());
        RedisTls tlsOptions = RedisTls.parse(option);
        if (!tls && tlsOptions.truststore() != null) {
            throw invalid(RedisTls.TRUSTSTORE, "is set but the url is not rediss://");
        }

        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        HostAndPort endpoint = new HostAndPort(host, uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT);
        return new RedisConfig(topology, endpoint, tls, tlsOptions, username, password, database, keyPrefix, connectTimeout,
                socketTimeout, poolMaxTotal, sentinelMaster, sentinels, sentinelUsername, sentinelPassword, clusterNodes,
                RedisReplicaAcks.parse(option));
    }

    /** Where Redis is, for log lines and error messages: never credentials. */
    public String describeTarget() {
        String scheme = tls ? "rediss" : "redis";
        return switch (topology) {
            case STANDALONE -> scheme + "://" + hostPort(endpoint) + "/" + database;
            case SENTINEL -> scheme + " master '" + sentinelMaster + "' via sentinels " + join(sentinels) + ", database " + database;
            case CLUSTER -> scheme + " cluster " + join(clusterNodes);
        };
    }

    @Override
    public String toString() {
        return "RedisConfig[" + describeTarget() + (tls ? ", " + tlsOptions : "") + ", user=" + username + ", password="
                + masked(password) + (topology == Topology.SENTINEL ? ", sentinelUser=" + sentinelUsername + ", sentinelPassword="
                + masked(sentinelPassword) : "") + ", keyPrefix=" + keyPrefix + ", connectTimeoutMs=" + connectTimeoutMs
                + ", socketTimeoutMs=" + socketTimeoutMs + ", poolMaxTotal=" + poolMaxTotal + ", " + replicaAcks + "]";
    }

    /** Describes the connection options, for the factories' {@code getConfigMetadata()}. */
    public static ProviderConfigurationBuilder addConfigMetadata(ProviderConfigurationBuilder builder) {
        builder
                .property().name(URL).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Redis URL: redis://[user:password@]host:port[/database], or rediss:// for TLS (the server"
                        + " certificate must be trusted and name the host). With Sentinel or Cluster only its scheme,"
                        + " credentials and database are used.")
                .defaultValue(DEFAULT_URL).add()
                .property().name(USERNAME).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("ACL user name; overrides the one in the URL.").add()
                .property().name(PASSWORD).type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("Password of the ACL user (or of requirepass); overrides the one in the URL.").add()
                .property().name(DATABASE).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Database number; overrides the one in the URL. Redis Cluster only has 0.").defaultValue(0).add();
        RedisTls.addConfigMetadata(builder);
        RedisReplicaAcks.addConfigMetadata(builder);
        return builder
                .property().name(KEY_PREFIX).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Prefix of every key written, so several deployments can share one Redis.")
                .defaultValue(DEFAULT_KEY_PREFIX).add()
                .property().name(CONNECT_TIMEOUT_MS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Connect timeout in milliseconds; also the longest wait for a free pooled connection.")
                .defaultValue(DEFAULT_CONNECT_TIMEOUT_MS).add()
                .property().name(SOCKET_TIMEOUT_MS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Read timeout of one command in milliseconds.").defaultValue(DEFAULT_SOCKET_TIMEOUT_MS).add()
                .property().name(POOL_MAX_TOTAL).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Most connections this provider opens (per Redis node).").defaultValue(DEFAULT_POOL_MAX_TOTAL).add()
                .property().name(SENTINEL_MASTER).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Name of the master that the Sentinels monitor; selects Sentinel mode.").add()
                .property().name(SENTINELS).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Comma-separated host:port list of Sentinels.").add()
                .property().name(SENTINEL_USERNAME).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("ACL user name for the Sentinels, if they require one.").add()
                .property().name(SENTINEL_PASSWORD).type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("Password for the Sentinels (their requirepass or ACL user); the url's password is the"
                        + " master's.").add()
                .property().name(CLUSTER_NODES).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Comma-separated host:port list of Redis Cluster nodes (any subset); selects Cluster mode.").add();
    }

    private static URI parseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(URL, "is not a URL");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw invalid(URL, "must start with redis:// or rediss://");
        }
        if (uri.getHost() == null) {
            throw invalid(URL, "has no host");
        }
        return uri;
    }

    private static List<HostAndPort> hostList(String name, String value) {
        List<HostAndPort> hosts = new ArrayList<>();
        if (value == null) {
            return hosts;
        }
        for (String part : value.split(",")) {
            String hostPort = part.trim();
            if (hostPort.isEmpty()) {
                continue;
            }
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw invalid(name, "entries must be host:port");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            hosts.add(new HostAndPort(host, toInt(name, hostPort.substring(colon + 1))));
        }
        return hosts;
    }

    private static int positive(String name, String value, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        int parsed = toInt(name, value);
        if (parsed <= 0) {
            throw invalid(name, "must be positive");
        }
        return parsed;
    }

    private static int toInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, "must be a number");
        }
    }

    private static IllegalArgumentException invalid(String option, String problem) {
        return new IllegalArgumentException("Redis option '" + option + "' " + problem);
    }

    private static String join(List<HostAndPort> hosts) {
        return hosts.stream().map(RedisConfig::hostPort).collect(Collectors.joining(","));
    }

    private static String hostPort(HostAndPort host) {
        return host.getHost().indexOf(':') >= 0 ? "[" + host.getHost() + "]:" + host.getPort() : host.toString();
    }

    private static String masked(String secret) {
        return secret == null ? "none" : "***";
    }

    private static String orElse(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
