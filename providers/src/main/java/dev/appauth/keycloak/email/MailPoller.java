package dev.appauth.keycloak.email;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.appauth.keycloak.Failures;

/**
 * Every node looks into the outbox at a fixed interval: due rows (retries, and rows a stopped or crashed node left
 * behind) go to this node's workers, whose claim makes sure only one node sends each; the counts are refreshed for
 * the admin console and the metrics, and reported in the log when mails wait on retries or were given up; given-up
 * rows older than the retention are deleted.
 */
final class MailPoller implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MailPoller.class);
    private static final long REPORT_INTERVAL_MS = 60_000;
    private static final long PURGE_INTERVAL_MS = 3_600_000;

    private final KeycloakSessionFactory factory;
    private final MailQueueConfig config;
    private final MailWorkers workers;
    private final MailStats stats;
    private final LongSupplier clock;
    private final ScheduledExecutorService scheduler;
    private long lastReport;
    private long lastRetrying;
    private long lastFailed;
    private long lastPurge;
    private long lastFailureWarning;

    MailPoller(KeycloakSessionFactory factory, MailQueueConfig config, MailWorkers workers, MailStats stats, LongSupplier clock,
               ClassLoader contextClassLoader) {
        this.factory = factory;
        this.config = config;
        this.workers = workers;
        this.stats = stats;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "app-auth-mail-poller");
            thread.setDaemon(true);
            thread.setContextClassLoader(contextClassLoader);
            return thread;
        });
    }

    void start() {
        long interval = config.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::pollQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // e.g. the database is down: the rows wait, the next poll tries again
            long now = clock.getAsLong();
            if (now - lastFailureWarning >= REPORT_INTERVAL_MS) {
                lastFailureWarning = now;
                LOG.warnf("Could not look into the mail outbox (mails wait there until it works again): %s", Failures.describe(e));
            }
        }
    }

    void poll() {
        long now = clock.getAsLong();
        int room = workers.capacityLeft();
        long[] retrying = new long[1];
        List<String> due = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            MailOutbox outbox = new MailOutbox(session);
            if (now - lastPurge >= PURGE_INTERVAL_MS) {
                lastPurge = now;
                outbox.purgeGivenUpBefore(now - config.failedRetention().toMillis());
            }
            stats.pending = outbox.pending();
            stats.failedRows = outbox.failed();
            retrying[0] = outbox.retrying();
            return room > 0 ? outbox.due(now, room) : List.of();
        });
        due.forEach(id -> workers.submit(id, 0));
        report(now, retrying[0], stats.failedRows);
    }

    /** At most once a minute, when the number of mails tried before (retries) or of given-up mails changed. */
    private void report(long now, long retrying, long failed) {
        if ((retrying == lastRetrying && failed == lastFailed) || now - lastReport < REPORT_INTERVAL_MS) {
            return;
        }
        lastReport = now;
        lastRetrying = retrying;
        lastFailed = failed;
        LOG.infof("Mail outbox: %d mails pending (%d of them tried before), %d given up (table APP_AUTH_MAIL_OUTBOX)",
                stats.pending, retrying, failed);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
