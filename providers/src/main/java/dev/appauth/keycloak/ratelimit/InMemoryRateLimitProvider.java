package dev.appauth.keycloak.ratelimit;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import org.jboss.logging.Logger;

/**
 * Fixed-window counters in this JVM: correct for a single Keycloak node only (each node counts on its own). Updates
 * go through {@link ConcurrentHashMap#compute}, so counts are exact under concurrency. The map is bounded: expired
 * windows are swept every minute and whenever the map is full; if it is still full (a flood of distinct keys), a
 * tenth of the entries is dropped, which resets those buckets, rather than growing without bound.
 * <p>
 * One instance serves all sessions of the server.
 */
public class InMemoryRateLimitProvider implements RateLimitProvider {

    private static final Logger LOG = Logger.getLogger(InMemoryRateLimitProvider.class);
    private static final long SWEEP_INTERVAL_MS = 60_000;

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongSupplier clockMillis;
    private final AtomicLong nextSweep;
    private final AtomicLong nextDropWarning = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder dropped = new LongAdder();

    public InMemoryRateLimitProvider(int maxEntries) {
        this(maxEntries, () -> System.nanoTime() / 1_000_000);
    }

    /** @param clockMillis a monotonic clock in milliseconds */
    public InMemoryRateLimitProvider(int maxEntries, LongSupplier clockMillis) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
        this.clockMillis = clockMillis;
        this.nextSweep = new AtomicLong(clockMillis.getAsLong() + SWEEP_INTERVAL_MS);
    }

    @Override
    public RateLimitDecision hit(String bucketKey, int limit, Duration window) {
        long windowMs = RateLimits.checkArguments(bucketKey, limit, window);
        long now = clockMillis.getAsLong();
        Window current = update("rl:" + bucketKey, now, old -> old == null || old.endsAt <= now
                ? new Window(now + windowMs, 1)
                : new Window(old.endsAt, old.count + 1));
        return current.count <= limit ? RateLimitDecision.allow() : RateLimitDecision.denyFor(current.endsAt - now);
    }

    @Override
    public RateLimitDecision cooldown(String key, Duration period) {
        long periodMs = RateLimits.checkArguments(key, 1, period);
        long now = clockMillis.getAsLong();
        Window current = update("cd:" + key, now, old -> old == null || old.endsAt <= now
                ? new Window(now + periodMs, 1)
                : new Window(old.endsAt, old.count + 1));
        return current.count == 1 ? RateLimitDecision.allow() : RateLimitDecision.denyFor(current.endsAt - now);
    }

    private Window update(String key, long now, UnaryOperator<Window> next) {
        maintain(now);
        return windows.compute(key, (k, old) -> next.apply(old));
    }

    private void maintain(long now) {
        long due = nextSweep.get();
        if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_INTERVAL_MS)) {
            sweepExpired(now);
        }
        if (windows.size() >= maxEntries) {
            synchronized (this) {
                if (windows.size() >= maxEntries) {
                    sweepExpired(now);
                }
                if (windows.size() >= maxEntries) {
                    dropTenth(now);
                }
            }
        }
    }

    private void sweepExpired(long now) {
        windows.values().removeIf(w -> w.endsAt <= now);
    }

    private void dropTenth(long now) {
        int toDrop = Math.max(1, windows.size() / 10);
        Iterator<String> keys = windows.keySet().iterator();
        for (int i = 0; i < toDrop && keys.hasNext(); i++) {
            keys.next();
            keys.remove();
        }
        dropped.add(toDrop);
        // a flood of distinct keys would otherwise log on every drop
        long due = nextDropWarning.get();
        if (now >= due && nextDropWarning.compareAndSet(due, now + SWEEP_INTERVAL_MS)) {
            LOG.warnf("In-memory rate limiter is full (%d buckets) and drops live buckets (%d so far). Raise"
                    + " --spi-app-auth-rate-limit--memory--max-entries or use the redis provider", maxEntries, dropped.sum());
        }
    }

    /** Buckets currently held. */
    public int size() {
        return windows.size();
    }

    /** Live buckets dropped because the map was full. */
    public long dropped() {
        return dropped.sum();
    }

    void clear() {
        windows.clear();
    }

    private record Window(long endsAt, long count) {
    }
}
