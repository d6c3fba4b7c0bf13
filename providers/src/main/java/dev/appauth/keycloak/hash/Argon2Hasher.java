package dev.appauth.keycloak.hash;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.bouncycastle.crypto.PasswordConverter;
import org.jboss.logging.Logger;

/**
 * Runs hashes on the calling thread, at most {@code maxConcurrent} at once: each holds {@code memory} KiB
 * (7 MiB by default) while it runs, and more hashes than cores only share the same cores more slowly. Keycloak
 * calls password hashing from its blocking worker threads (executor-thread-N); a call from a Vert.x event-loop
 * thread would stall every connection of that loop, so it is counted and logged once.
 */
final class Argon2Hasher {

    private static final Logger LOG = Logger.getLogger(Argon2Hasher.class);

    private final Argon2Engine engine;
    private final int maxConcurrent;
    private final Semaphore slots;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder hashes = new LongAdder();
    private final LongAdder eventLoopHashes = new LongAdder();
    private final AtomicBoolean eventLoopLogged = new AtomicBoolean();

    Argon2Hasher(Argon2Engine engine, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("argon2 cpuCores (concurrent hashes) must be at least 1");
        }
        this.engine = engine;
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
    }

    /** The raw hash of a password as Keycloak's provider computes it (the characters' UTF-8 bytes, BouncyCastle's way). */
    byte[] hash(String password, byte[] salt, Argon2Spec spec) {
        byte[] bytes = PasswordConverter.UTF8.convert(password.toCharArray());
        if (Thread.currentThread().getName().startsWith("vert.x-eventloop")) {
            eventLoopHashes.increment();
            if (eventLoopLogged.compareAndSet(false, true)) {
                LOG.warn("app-auth argon2: a password hash ran on a Vert.x event-loop thread; it blocks that loop for the hash's duration");
            }
        }
        waiting.incrementAndGet();
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a password hash slot", e);
        } finally {
            waiting.decrementAndGet();
        }
        running.incrementAndGet();
        try {
            return engine.hash(bytes, salt, spec);
        } finally {
            running.decrementAndGet();
            slots.release();
            hashes.increment();
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    Argon2Engine engine() {
        return engine;
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    int running() {
        return running.get();
    }

    int waiting() {
        return waiting.get();
    }

    long hashes() {
        return hashes.sum();
    }

    Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("implementation", engine.name());
        info.put("implementationDetail", engine.description());
        info.put("maxConcurrentHashes", Integer.toString(maxConcurrent));
        info.put("runningHashes", Integer.toString(running.get()));
        info.put("waitingHashes", Integer.toString(waiting.get()));
        info.put("hashes", Long.toString(hashes.sum()));
        info.put("eventLoopHashes", Long.toString(eventLoopHashes.sum()));
        return info;
    }
}
