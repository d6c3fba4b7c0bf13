package dev.appauth.keycloak.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.util.JsonSerialization;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisReplicaAcks;
import dev.appauth.keycloak.redis.RedisUnavailableException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Keycloak's single-use objects in Redis, without anything Keycloak-session-specific, so it can be shared by all
 * sessions of a server and tested on its own. Every operation is one atomic Redis command:
 * remove is {@code GETDEL}, putIfAbsent is {@code SET NX EX}, replace is {@code SET XX KEEPTTL}, and every key
 * carries a TTL. Notes are stored as a JSON object string ({@code {}} for none): one value per key, so a single
 * command can both read and delete it, which a hash could not do without a script, and an empty map needs no
 * placeholder field.
 * <p>
 * Revoked-token keys ({@code <id>.revoked}) must survive a Redis restart or flush. Keycloak keeps them in its
 * database as well ({@link RevokedTokenDatabase}); Redis holds a marker key once it has been loaded from there.
 * A missing revoked key only means "not revoked" while the marker exists; without the marker (Redis lost its data)
 * the revocations are first loaded back from the database. The marker and the key are read in one round trip.
 */
public final class RedisSingleUseStore {

    private static final Logger LOG = Logger.getLogger(RedisSingleUseStore.class);

    static final String EMPTY_NOTES = "{}";
    private static final int PRELOAD_BATCH = 500;
    private static final int PRELOAD_ATTEMPTS = 3;
    private static final long PRELOAD_LOCK_SECONDS = 300;
    private static final long PRELOAD_WAIT_SECONDS = 30;

    /** Sets the marker only if this preload still owns the lock, i.e. no flush or newer preload happened meanwhile. */
    private static final String FINISH_PRELOAD = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[2], ARGV[2])
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """;

    private static final ObjectReader NOTES_READER = JsonSerialization.mapper.readerFor(new TypeReference<Map<String, String>>() { });
    private static final ObjectWriter NOTES_WRITER = JsonSerialization.mapper.writerFor(new TypeReference<Map<String, String>>() { });

    private final UnifiedJedis redis;
    private final RedisAvailability availability;
    private final RedisReplicaAcks acks;
    private final String keyPrefix;
    private final String preloadLock;
    private final String preloadedMarker;
    private final ReentrantLock localPreload = new ReentrantLock();

    /**
     * @param prefix the deployment's key prefix (e.g. {@code app-auth:}); keys become {@code <prefix>suo:<key>}
     */
    public RedisSingleUseStore(UnifiedJedis redis, String prefix, RedisAvailability availability) {
        this(redis, prefix, availability, RedisReplicaAcks.off());
    }

    /** @param acks replicas that must confirm a write that spends or revokes before it returns (see RedisReplicaAcks) */
    public RedisSingleUseStore(UnifiedJedis redis, String prefix, RedisAvailability availability, RedisReplicaAcks acks) {
        this.redis = redis;
        this.availability = availability;
        this.acks = acks;
        this.keyPrefix = prefix + "suo:";
        // one hash tag, so the preload script sees both keys on the same Redis Cluster node
        this.preloadLock = prefix + "{revoked-preload}:lock";
        this.preloadedMarker = prefix + "{revoked-preload}:done";
    }

    public String redisKey(String key) {
        return keyPrefix + key;
    }

    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        String value = encode(notes);
        String k = redisKey(key);
        SetParams ex = SetParams.setParams().ex(lifespanSeconds);
        availability.call(() -> acks.write(redis, k, p -> p.set(k, value, ex), () -> redis.set(k, value, ex)));
    }

    /** Writes several entries in one round trip. */
    public void putAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (entries.size() == 1) {
            Entry entry = entries.get(0);
            put(entry.key(), entry.lifespanSeconds(), entry.notes());
            return;
        }
        availability.call(() -> {
            try (AbstractPipeline pipeline = redis.pipelined()) {
                List<Response<String>> replies = new ArrayList<>(entries.size());
                for (Entry entry : entries) {
                    replies.add(pipeline.set(redisKey(entry.key()), encode(entry.notes()), SetParams.setParams().ex(entry.lifespanSeconds())));
                }
                Response<Long> confirmed = acks.waitFor(pipeline, redisKey(entries.get(0).key()));
                pipeline.sync();
                replies.forEach(Response::get);
                acks.acknowledged(confirmed);
            }
            return null;
        });
    }

    public Map<String, String> get(String key) {
        return decode(availability.call(() -> redis.get(redisKey(key))));
    }

    /** Atomically takes the entry: of concurrent callers, on any number of nodes, at most one gets the notes. */
    public Map<String, String> remove(String key) {
        String k = redisKey(key);
        return decode(availability.call(() -> acks.write(redis, k, p -> p.getDel(k), () -> redis.getDel(k))));
    }

    /** Replaces the notes of an existing entry and keeps its remaining lifespan. */
    public boolean replace(String key, Map<String, String> notes) {
        String value = encode(notes);
        return availability.call(() -> redis.set(redisKey(key), value, SetParams.setParams().xx().keepTtl())) != null;
    }

    /** Atomically creates an entry with no notes; of concurrent callers at most one gets {@code true}. */
    public boolean putIfAbsent(String key, long lifespanSeconds) {
        String k = redisKey(key);
        SetParams nx = SetParams.setParams().nx().ex(lifespanSeconds);
        return availability.call(() -> acks.write(redis, k, p -> p.set(k, EMPTY_NOTES, nx), () -> redis.set(k, EMPTY_NOTES, nx))) != null;
    }

    public boolean contains(String key) {
        return availability.call(() -> redis.exists(redisKey(key)));
    }

    /** {@link #contains} for a revoked-token key, correct even if Redis lost its data since the last preload. */
    public boolean containsRevoked(String key, RevokedTokenDatabase database) {
        String redisKey = redisKey(key);
        boolean[] found = availability.call(() -> {
            try (AbstractPipeline pipeline = redis.pipelined()) {
                Response<Boolean> entry = pipeline.exists(redisKey);
                Response<Boolean> marker = pipeline.exists(preloadedMarker);
                pipeline.sync();
                return new boolean[] { entry.get(), marker.get() };
            }
        });
        if (found[0]) {
            return true;
        }
        if (found[1]) {
            return false;
        }
        ensureRevokedLoaded(database);
        return contains(key);
    }

    /** {@link #putIfAbsent} for a revoked-token key: a token revoked before Redis lost its data stays revoked. */
    public boolean putIfAbsentRevoked(String key, long lifespanSeconds, RevokedTokenDatabase database) {
        ensureRevokedLoaded(database);
        return putIfAbsent(key, lifespanSeconds);
    }

    /** Loads the database's revocations into Redis unless Redis already holds them (the marker exists). */
    public void ensureRevokedLoaded(RevokedTokenDatabase database) {
        if (preloaded()) {
            return;
        }
        boolean locked;
        try {
            locked = localPreload.tryLock(PRELOAD_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            throw new RedisUnavailableException(new IllegalStateException("Timed out waiting for revoked tokens to be loaded into Redis"));
        }
        try {
            for (int attempt = 1; attempt <= PRELOAD_ATTEMPTS; attempt++) {
                if (preloaded()) {
                    return;
                }
                preload(database);
            }
            if (!preloaded()) {
                throw new RedisUnavailableException(new IllegalStateException("Revoked tokens could not be loaded into Redis"));
            }
        } finally {
            localPreload.unlock();
        }
    }

    private boolean preloaded() {
        return availability.call(() -> redis.exists(preloadedMarker));
    }

    private void preload(RevokedTokenDatabase database) {
        String owner = UUID.randomUUID().toString();
        availability.call(() -> redis.set(preloadLock, owner, SetParams.setParams().ex(PRELOAD_LOCK_SECONDS)));
        Batch batch = new Batch();
        database.forEachActive((tokenId, remainingSeconds) -> batch.add(tokenId + SingleUseObjectProvider.REVOKED_KEY, remainingSeconds));
        batch.flush();
        Object finished = availability.call(() -> redis.eval(FINISH_PRELOAD, List.of(preloadLock, preloadedMarker),
                List.of(owner, Long.toString(System.currentTimeMillis()))));
        if (Long.valueOf(1).equals(finished)) {
            LOG.infof("Loaded %d revoked tokens from the database into Redis", batch.total);
        } else {
            LOG.debugf("Revoked-token preload of %d tokens was overtaken (Redis flushed or another node loading)", batch.total);
        }
    }

    private final class Batch {
        private final Map<String, Long> pending = new HashMap<>();
        private long total;

        void add(String key, long lifespanSeconds) {
            pending.put(key, lifespanSeconds);
            total++;
            if (pending.size() >= PRELOAD_BATCH) {
                flush();
            }
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            availability.call(() -> {
                try (AbstractPipeline pipeline = redis.pipelined()) {
                    List<Response<String>> replies = new ArrayList<>(pending.size());
                    pending.forEach((key, lifespan) ->
                            replies.add(pipeline.set(redisKey(key), EMPTY_NOTES, SetParams.setParams().ex(lifespan))));
                    pipeline.sync();
                    // an error reply (e.g. out of memory) surfaces only here, not in sync()
                    replies.forEach(Response::get);
                }
                return null;
            });
            pending.clear();
        }
    }

    static String encode(Map<String, String> notes) {
        Map<String, String> copy = copyNotes(notes);
        if (copy.isEmpty()) {
            return EMPTY_NOTES;
        }
        try {
            return NOTES_WRITER.writeValueAsString(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> decode(String value) {
        if (value == null) {
            return null;
        }
        if (EMPTY_NOTES.equals(value)) {
            return Map.of();
        }
        try {
            return copyNotes(NOTES_READER.readValue(value));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable single-use object in Redis", e);
        }
    }

    /** Like Keycloak's Infinispan entity: an unmodifiable copy without null values, empty when there are no notes. */
    static Map<String, String> copyNotes(Map<String, String> notes) {
        if (notes == null || notes.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new HashMap<>(notes);
        copy.values().removeIf(v -> v == null);
        return Map.copyOf(copy);
    }

    /** One pending write. */
    public record Entry(String key, long lifespanSeconds, Map<String, String> notes) {
    }
}
