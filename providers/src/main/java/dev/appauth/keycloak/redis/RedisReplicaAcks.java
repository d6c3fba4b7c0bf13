package dev.appauth.keycloak.redis;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Replication is asynchronous: a master that dies right after a write may take it with it, and the replica that
 * Sentinel promotes then never saw that a token was spent or revoked. With {@code replica-acks} &gt; 0 every such
 * write is followed, on the same connection, by {@code WAIT replicas timeout}: the request that spent or revoked the
 * token returns only once that many replicas hold the write (Sentinel promotes the replica with the most data), or
 * once the timeout passed. A master without enough replicas (e.g. just after a failover, before the old master is
 * back as a replica) does not stop the service: the write stays on the master alone, counted and logged at most once
 * a minute. Unlike the server's {@code min-replicas-to-write}, this keeps a two-server setup writable after a failover.
 */
public record RedisReplicaAcks(int replicas, int timeoutMs, Counters counters) {

    public static final String REPLICA_ACKS = "replica-acks";
    public static final String REPLICA_ACK_TIMEOUT_MS = "replica-ack-timeout-ms";
    public static final int DEFAULT_TIMEOUT_MS = 200;
    private static final long LOG_INTERVAL_MILLIS = 60_000;
    private static final Logger LOG = Logger.getLogger(RedisReplicaAcks.class);

    /** Writes that fewer replicas than asked confirmed within the timeout. */
    public static final class Counters {
        private final LongAdder unacknowledged = new LongAdder();
        private final AtomicLong lastLog = new AtomicLong();

        public long unacknowledged() {
            return unacknowledged.sum();
        }
    }

    public static RedisReplicaAcks off() {
        return new RedisReplicaAcks(0, DEFAULT_TIMEOUT_MS, new Counters());
    }

    static RedisReplicaAcks parse(Function<String, String> option) {
        int replicas = number(REPLICA_ACKS, option.apply(REPLICA_ACKS), 0);
        int timeout = number(REPLICA_ACK_TIMEOUT_MS, option.apply(REPLICA_ACK_TIMEOUT_MS), DEFAULT_TIMEOUT_MS);
        if (timeout <= 0) {
            throw new IllegalArgumentException("Redis option '" + REPLICA_ACK_TIMEOUT_MS + "' must be positive");
        }
        return new RedisReplicaAcks(replicas, timeout, new Counters());
    }

    static ProviderConfigurationBuilder addConfigMetadata(ProviderConfigurationBuilder builder) {
        return builder
                .property().name(REPLICA_ACKS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Single-use store only: replicas that must confirm each write of a spent or revoked token"
                        + " (Redis WAIT) before the request returns, so a failover right after it cannot lose it;"
                        + " 0 = asynchronous replication only.").defaultValue(0).add()
                .property().name(REPLICA_ACK_TIMEOUT_MS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Longest wait for those confirmations in milliseconds; past it the write stands on the master"
                        + " alone (counted and logged).").defaultValue(DEFAULT_TIMEOUT_MS).add();
    }

    public boolean enabled() {
        return replicas > 0;
    }

    /**
     * Runs a write: {@code direct} when no acknowledgement is asked for, else {@code pipelined} followed by WAIT in one
     * pipeline, i.e. on one connection (WAIT counts that connection's writes).
     *
     * @param key the written key (routes the pipeline in Redis Cluster)
     */
    public <T> T write(UnifiedJedis redis, String key, Function<AbstractPipeline, Response<T>> pipelined, Supplier<T> direct) {
        if (!enabled()) {
            return direct.get();
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Response<T> reply = pipelined.apply(pipeline);
            Response<Long> acks = pipeline.waitReplicas(key, replicas, timeoutMs);
            pipeline.sync();
            T result = reply.get();
            acknowledged(acks.get());
            return result;
        }
    }

    /** WAIT after writes already queued on {@code pipeline} (call before its sync). */
    public Response<Long> waitFor(AbstractPipeline pipeline, String key) {
        return enabled() ? pipeline.waitReplicas(key, replicas, timeoutMs) : null;
    }

    /** Checks the reply of {@link #waitFor} (after sync); null (not enabled) passes. */
    public void acknowledged(Response<Long> acks) {
        if (acks != null) {
            acknowledged(acks.get());
        }
    }

    private void acknowledged(long acks) {
        if (acks >= replicas) {
            return;
        }
        counters.unacknowledged.increment();
        long now = System.currentTimeMillis();
        long last = counters.lastLog.get();
        if (now - last >= LOG_INTERVAL_MILLIS && counters.lastLog.compareAndSet(last, now)) {
            LOG.warnf("Redis: %d of %d replicas confirmed a spent or revoked token within %d ms; it is on the master"
                    + " only until replication catches up (%d such writes so far). A replica down or a failover?",
                    acks, replicas, timeoutMs, counters.unacknowledged());
        }
    }

    private static int number(String name, String value, int defaultValue) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Redis option '" + name + "' must be a number of at least 0");
    }

    @Override
    public String toString() {
        return "replicaAcks=" + replicas + (enabled() ? "/" + timeoutMs + "ms" : "");
    }
}
