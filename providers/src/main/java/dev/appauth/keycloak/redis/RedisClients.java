package dev.appauth.keycloak.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

import org.jboss.logging.Logger;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** Builds the pooled client for a {@link RedisConfig}: one code path for a single server, Sentinel and Cluster. */
public final class RedisClients {

    private static final Logger LOG = Logger.getLogger(RedisClients.class);

    private RedisClients() {
    }

    /**
     * Opens a pooled client and checks with {@code PING} that Redis answers, so that a server configured for Redis
     * does not start without it.
     *
     * @param options the option prefix to name in the error, e.g. {@code --spi-single-use-object--redis--}
     * @throws IllegalStateException naming the target (never credentials) and the options to check
     */
    public static UnifiedJedis openVerified(RedisConfig config, String clientName, String options) {
        UnifiedJedis client = null;
        try {
            client = open(config, clientName);
            client.ping();
        } catch (JedisException e) {
            if (client != null) {
                client.close();
            }
            Optional<Throwable> tls = tlsFailure(e);
            if (tls.isPresent()) {
                throw new IllegalStateException("Redis at " + config.describeTarget() + " refused: TLS handshake failed ("
                        + tls.get().getClass().getSimpleName() + ": " + tls.get().getMessage() + "); the server"
                        + " certificate must chain to the trust store (the JVM's or " + options + RedisTls.TRUSTSTORE
                        + ") and name the host connected to", e);
            }
            throw new IllegalStateException("Redis is not reachable at " + config.describeTarget() + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); check the " + options + "* options"
                    + " (url, username, password, sentinel-master, sentinels, sentinel-password, cluster-nodes) or"
                    + " start Redis", e);
        }
        if (config.tls() && !config.tlsOptions().verifyHostname()) {
            LOG.warnf("TLS to Redis at %s does not check that the certificate names the host (%s%s=false): for testing"
                    + " only", config.describeTarget(), options, RedisTls.VERIFY_HOSTNAME);
        }
        evictionPolicy(client).filter(policy -> !"noeviction".equals(policy)).ifPresent(policy ->
                LOG.warnf("Redis at %s may evict keys before they expire (maxmemory-policy %s): a revoked token could"
                        + " be accepted again; set maxmemory-policy noeviction", config.describeTarget(), policy));
        return client;
    }

    /** The server's {@code maxmemory-policy}, if INFO tells it (managed services may hide it). */
    public static Optional<String> evictionPolicy(UnifiedJedis client) {
        try {
            return client.info("memory").lines()
                    .filter(line -> line.startsWith("maxmemory_policy:"))
                    .map(line -> line.substring("maxmemory_policy:".length()).trim())
                    .findFirst();
        } catch (RuntimeException e) {
            LOG.debugf("Could not read maxmemory-policy: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Opens a pooled client. Standalone clients connect lazily; Sentinel and Cluster clients ask the Sentinels or
     * nodes for the topology here and throw if none answers.
     *
     * @param clientName shown by {@code CLIENT LIST} on the server, to tell this bundle's connections apart
     */
    public static UnifiedJedis open(RedisConfig config, String clientName) {
        SSLSocketFactory tls = config.tls() ? config.tlsOptions().socketFactory() : null;
        JedisClientConfig clientConfig = connection(config, clientName, tls)
                .user(config.username())
                .password(config.password())
                .database(config.database())
                .build();

        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.poolMaxTotal());
        pool.setMaxIdle(config.poolMaxTotal());
        pool.setMinIdle(0);
        // never block a request thread for longer than a connect would take
        pool.setMaxWait(Duration.ofMillis(config.connectTimeoutMs()));
        // idle connections left over from before a Redis restart are found and dropped in the background; one met
        // before that is retried once on a new connection (RedisAvailability.call)
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(5));
        pool.setNumTestsPerEvictionRun(-1);

        return switch (config.topology()) {
            case STANDALONE -> RedisClient.builder()
                    .hostAndPort(config.endpoint())
                    .clientConfig(clientConfig)
                    .poolConfig(pool)
                    .build();
            case SENTINEL -> RedisSentinelClient.builder()
                    .masterName(config.sentinelMaster())
                    .sentinels(new LinkedHashSet<>(config.sentinels()))
                    .clientConfig(clientConfig)
                    .sentinelClientConfig(connection(config, clientName, tls)
                            .user(config.sentinelUsername())
                            .password(config.sentinelPassword())
                            .build())
                    .poolConfig(pool)
                    .build();
            case CLUSTER -> RedisClusterClient.builder()
                    .nodes(new LinkedHashSet<>(config.clusterNodes()))
                    .clientConfig(clientConfig)
                    .poolConfig(pool)
                    .build();
        };
    }

    /** What connections to Redis nodes and to Sentinels share: timeouts, name and TLS. */
    private static DefaultJedisClientConfig.Builder connection(RedisConfig config, String clientName, SSLSocketFactory tls) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.connectTimeoutMs())
                .socketTimeoutMillis(config.socketTimeoutMs())
                .clientName(clientName)
                .ssl(tls != null);
        if (tls != null) {
            builder.sslSocketFactory(tls).sslParameters(config.tlsOptions().parameters());
        }
        return builder;
    }

    /** The handshake's own exception, which says what was wrong with the certificate. */
    private static Optional<Throwable> tlsFailure(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SSLException) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
