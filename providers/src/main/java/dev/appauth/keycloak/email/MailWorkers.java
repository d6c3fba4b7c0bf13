package dev.appauth.keycloak.email;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.appauth.keycloak.Failures;

/**
 * The worker pool behind the mail queue, owned by the provider factory: a fixed number of threads and a bounded
 * queue of outbox row ids, so a slow or dead SMTP server costs at most that many blocked threads, never a request
 * thread. The rows are the durable part: an id the pool cannot take (queue full, node stopping) is not lost, the
 * next poll of any node finds its row.
 */
final class MailWorkers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MailWorkers.class);
    private static final long WARNING_INTERVAL_MS = 60_000;

    private final MailQueueConfig config;
    private final Consumer<String> attempt;
    private final MailStats stats;
    private final ThreadPoolExecutor executor;
    /** Ids queued or running here, so a poll does not queue a row twice. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextDeferralWarning = new AtomicLong(Long.MIN_VALUE);

    MailWorkers(MailQueueConfig config, Consumer<String> attempt, MailStats stats, ClassLoader contextClassLoader) {
        this.config = config;
        this.attempt = attempt;
        this.stats = stats;
        this.executor = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), threads(contextClassLoader), new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Queues an attempt at the row, to start no earlier than {@code notBeforeMillis} (epoch millis, the row's
     * {@code NEXT_ATTEMPT_AT}: the same clock as the claim's, so the attempt never starts before its row is due).
     * @return false when it was queued already or the pool is full or stopped (the row then waits for a poll)
     */
    boolean submit(String id, long notBeforeMillis) {
        if (!inFlight.add(id)) {
            return false;
        }
        try {
            executor.execute(() -> {
                try {
                    awaitDispatchTime(notBeforeMillis);
                    attempt.accept(id);
                } catch (RuntimeException e) {
                    // e.g. the database is down for the claim: the row stays due and a later poll retries it
                    LOG.warnf("Mail attempt for %s did not run: %s", id, Failures.describe(e));
                } finally {
                    inFlight.remove(id);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            inFlight.remove(id);
            stats.deferred.increment();
            long now = System.nanoTime() / 1_000_000;
            long due = nextDeferralWarning.get();
            if (now >= due && nextDeferralWarning.compareAndSet(due, now + WARNING_INTERVAL_MS)) {
                LOG.warnf("Mail queue full (%d waiting) or stopping: mails wait in the outbox for the next poll (%d so far)."
                        + " Check the realm's SMTP server, or raise --spi-app-auth-mail--default--threads/queue-capacity",
                        executor.getQueue().size(), stats.deferred.sum());
            }
            return false;
        }
    }

    /** Free places in the queue, for the poller. */
    int capacityLeft() {
        return executor.getQueue().remainingCapacity();
    }

    /** Only a mail younger than the dispatch delay waits; a backlog is worked off without pause. */
    private static void awaitDispatchTime(long notBeforeMillis) {
        try {
            for (long wait = notBeforeMillis - System.currentTimeMillis(); wait > 0; wait = notBeforeMillis - System.currentTimeMillis()) {
                Thread.sleep(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void info(Map<String, String> info) {
        info.put("threads", Integer.toString(config.threads()));
        info.put("queueCapacity", Integer.toString(config.queueCapacity()));
        info.put("dispatchDelayMillis", Long.toString(config.dispatchDelay().toMillis()));
        info.put("waiting", Integer.toString(executor.getQueue().size()));
        info.put("sending", Integer.toString(executor.getActiveCount()));
    }

    /**
     * Lets running attempts finish for a few seconds, then interrupts them. Nothing is lost: queued ids are rows in
     * the outbox, and an interrupted attempt's row is tried again when its lease ends.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                int left = executor.shutdownNow().size();
                if (left > 0) {
                    LOG.infof("Stopped with %d mails queued; they stay in the outbox for the next node or start", left);
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(ClassLoader contextClassLoader) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "app-auth-mail-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(contextClassLoader);
            return thread;
        };
    }
}
