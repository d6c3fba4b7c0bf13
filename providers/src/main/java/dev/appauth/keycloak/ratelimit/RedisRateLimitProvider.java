package dev.appauth.keycloak.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisUnavailableException;
import redis.clients.jedis.UnifiedJedis;

/**
 * Fixed-window counters in Redis, shared by every Keycloak node. Each call is one Lua script, so counting and
 * setting the window's expiry are atomic and the count is exact under any concurrency. Bucket keys usually carry
 * e-mail addresses or IPs; they are stored hashed ({@code <prefix>rl:<sha-256>}), so Redis holds no personal data.
 * <p>
 * One instance serves all sessions; the factory owns the connection pool.
 */
public class RedisRateLimitProvider implements RateLimitProvider {

    private static final Logger LOG = Logger.getLogger(RedisRateLimitProvider.class);

    /** Returns {count in window, ms left in window}; a window without expiry (e.g. the first hit) gets one. */
    private static final String HIT = """
            local count = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {count, ttl}
            """;

    /** Returns 0 if the key was acquired, else the ms left until it is free again. */
    private static final String COOLDOWN = """
            if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
              return 0
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return ttl
            """;

    private final UnifiedJedis redis;
    private final String keyPrefix;
    private final RedisAvailability availability;
    private final boolean failOpen;
    private final LongAdder failOpenAllowed = new LongAdder();

    /**
     * @param failOpen when Redis is down: {@code true} allows the attempt (counted and logged), {@code false} throws
     *                 {@link RedisUnavailableException}
     */
    public RedisRateLimitProvider(UnifiedJedis redis, String keyPrefix, RedisAvailability availability, boolean failOpen) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.availability = availability;
        this.failOpen = failOpen;
    }

    @Override
    public RateLimitDecision hit(String bucketKey, int limit, Duration window) {
        long windowMs = RateLimits.checkArguments(bucketKey, limit, window);
        String key = keyPrefix + "rl:" + hash(bucketKey);
        try {
            List<?> result = (List<?>) availability.call(() -> redis.eval(HIT, List.of(key), List.of(Long.toString(windowMs))));
            long count = (Long) result.get(0);
            long remainingMs = (Long) result.get(1);
            return count <= limit ? RateLimitDecision.allow() : RateLimitDecision.denyFor(remainingMs);
        } catch (RedisUnavailableException e) {
            return unavailable(e);
        }
    }

    @Override
    public RateLimitDecision cooldown(String key, Duration period) {
        long periodMs = RateLimits.checkArguments(key, 1, period);
        String redisKey = keyPrefix + "cd:" + hash(key);
        try {
            long remainingMs = (Long) availability.call(() -> redis.eval(COOLDOWN, List.of(redisKey), List.of(Long.toString(periodMs))));
            return remainingMs == 0 ? RateLimitDecision.allow() : RateLimitDecision.denyFor(remainingMs);
        } catch (RedisUnavailableException e) {
            return unavailable(e);
        }
    }

    private RateLimitDecision unavailable(RedisUnavailableException e) {
        if (!failOpen) {
            throw e;
        }
        failOpenAllowed.increment();
        LOG.debugf("Rate limit store unavailable; allowing the attempt (fail-open)");
        return RateLimitDecision.allow();
    }

    /** Attempts allowed without a check because Redis was down. */
    public long failOpenAllowed() {
        return failOpenAllowed.sum();
    }

    static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
