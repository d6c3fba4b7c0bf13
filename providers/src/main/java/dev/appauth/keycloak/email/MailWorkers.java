package dev.appauth.keycloak.email;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

import dev.appauth.keycloak.Failures;

/**
 * The worker pool behind the mail queue, owned by the provider factory: a fixed number of threads and a bounded
 * queue, so a slow or dead SMTP server costs at most that many blocked threads and that many waiting mails,
 * never a request thread. Outcomes are counted for the admin console.
 */
final class MailWorkers implements AutoCloseable {

    /** Runs one task in a Keycloak session of its own; throws when sending failed. */
    @FunctionalInterface
    interface TaskRunner {
        boolean run(String realmId, MailTask task) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(MailWorkers.class);
    private static final long WARNING_INTERVAL_MS = 60_000;

    private final MailQueueConfig config;
    private final TaskRunner runner;
    private final ThreadPoolExecutor executor;
    private final LongAdder sent = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final AtomicLong nextRejectionWarning = new AtomicLong(Long.MIN_VALUE);

    MailWorkers(MailQueueConfig config, TaskRunner runner, ClassLoader contextClassLoader) {
        this.config = config;
        this.runner = runner;
        this.executor = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), threads(contextClassLoader), new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    void submit(String kind, String realmId, MailTask task) {
        long notBefore = System.nanoTime() + config.dispatchDelay().toNanos();
        try {
            executor.execute(() -> {
                awaitDispatchTime(notBefore);
                run(kind, realmId, task);
            });
        } catch (RejectedExecutionException e) {
            rejected.increment();
            long now = System.nanoTime() / 1_000_000;
            long due = nextRejectionWarning.get();
            if (now >= due && nextRejectionWarning.compareAndSet(due, now + WARNING_INTERVAL_MS)) {
                LOG.warnf("Mail queue full (%d waiting) or stopped: a %s mail was dropped (%d dropped so far). Check the"
                        + " realm's SMTP server, or raise --spi-app-auth-mail--default--threads/queue-capacity",
                        executor.getQueue().size(), kind, rejected.sum());
            }
        }
    }

    /** Only a mail younger than the dispatch delay waits; a backlog is worked off without pause. */
    private static void awaitDispatchTime(long notBefore) {
        long wait = notBefore - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(String kind, String realmId, MailTask task) {
        try {
            if (runner.run(realmId, task)) {
                sent.increment();
            } else {
                skipped.increment();
            }
        } catch (Exception e) {
            failed.increment();
            // the chain of exception types says what went wrong; messages may carry addresses, so they stay at DEBUG
            LOG.warnf("Could not send a %s mail (%d failures so far): %s", kind, failed.sum(), Failures.describe(e));
            LOG.debugf(e, "Sending a %s mail failed", kind);
        }
    }

    Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("threads", Integer.toString(config.threads()));
        info.put("queueCapacity", Integer.toString(config.queueCapacity()));
        info.put("dispatchDelayMillis", Long.toString(config.dispatchDelay().toMillis()));
        info.put("waiting", Integer.toString(executor.getQueue().size()));
        info.put("sending", Integer.toString(executor.getActiveCount()));
        info.put("sent", Long.toString(sent.sum()));
        info.put("skipped", Long.toString(skipped.sum()));
        info.put("failed", Long.toString(failed.sum()));
        info.put("dropped", Long.toString(rejected.sum()));
        return info;
    }

    /** Lets running mails finish for a few seconds, then interrupts them; waiting mails are lost (and logged). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                int lost = executor.shutdownNow().size();
                if (lost > 0) {
                    LOG.warnf("Stopped with %d mails still waiting; they were not sent", lost);
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
