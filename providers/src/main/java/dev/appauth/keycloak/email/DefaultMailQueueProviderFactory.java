package dev.appauth.keycloak.email;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Metrics;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * The mail queue ({@code default}): a durable outbox in Keycloak's database, the worker pool and the poller, which
 * live as long as the server.
 */
public class DefaultMailQueueProviderFactory implements MailQueueProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";

    private final LongSupplier clock = System::currentTimeMillis;
    private final MailStats stats = new MailStats();
    private final SmtpLogFilter smtpLog = new SmtpLogFilter();
    private MailQueueConfig config;
    private MailCodec codec;
    private MailWorkers workers;
    private MailPoller poller;

    @Override
    public MailQueueProvider create(KeycloakSession session) {
        return new DefaultMailQueueProvider(session, codec, config, workers,
                (realmId, kind, payload, now, notBefore) -> new MailOutbox(session).add(realmId, kind, payload, now, notBefore), clock);
    }

    @Override
    public void init(Config.Scope scope) {
        config = MailQueueConfig.from(scope);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        ClassLoader classLoader = DefaultMailQueueProviderFactory.class.getClassLoader();
        codec = MailCodec.load(classLoader);
        MailAttempts attempts = new MailAttempts(factory, codec, config,
                new RetryPolicy(config, () -> ThreadLocalRandom.current().nextDouble()), stats, smtpLog, clock);
        workers = new MailWorkers(config, attempts::attempt, stats, classLoader);
        smtpLog.install();
        stats.bind(Metrics.globalRegistry);
        poller = new MailPoller(factory, config, workers, stats, clock, classLoader);
        poller.start();
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.close();
        }
        if (workers != null) {
            workers.close();
        }
        stats.unbind(Metrics.globalRegistry);
        smtpLog.uninstall();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(MailQueueConfig.THREADS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Worker threads sending account mails; each holds one SMTP conversation at a time.")
                .defaultValue(MailQueueConfig.DEFAULT_THREADS).add()
                .property().name(MailQueueConfig.QUEUE_CAPACITY).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Mails that may wait for a worker on this node; beyond it they wait in the outbox for the next poll.")
                .defaultValue(MailQueueConfig.DEFAULT_QUEUE_CAPACITY).add()
                .property().name(MailQueueConfig.DISPATCH_DELAY_MILLIS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Milliseconds a mail waits after its request before a worker starts on it, so that mail work never"
                        + " competes with the response that caused it (response times then do not reveal whether a mail was sent).")
                .defaultValue(MailQueueConfig.DEFAULT_DISPATCH_DELAY_MILLIS).add()
                .property().name(MailQueueConfig.MAX_ATTEMPTS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Attempts per mail before it is given up (one ERROR line; the row stays in the outbox).")
                .defaultValue(MailQueueConfig.DEFAULT_MAX_ATTEMPTS).add()
                .property().name(MailQueueConfig.RETRY_INITIAL_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Wait before the second attempt; it doubles per attempt (with jitter) up to retry-max-seconds.")
                .defaultValue(MailQueueConfig.DEFAULT_RETRY_INITIAL_SECONDS).add()
                .property().name(MailQueueConfig.RETRY_MAX_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Longest wait between two attempts.")
                .defaultValue(MailQueueConfig.DEFAULT_RETRY_MAX_SECONDS).add()
                .property().name(MailQueueConfig.MAX_AGE_MINUTES).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("A mail not sent this long after its request is given up.")
                .defaultValue(MailQueueConfig.DEFAULT_MAX_AGE_MINUTES).add()
                .property().name(MailQueueConfig.POLL_INTERVAL_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("How often each node looks for due mails: retries, and mails left by a stopped or crashed node.")
                .defaultValue(MailQueueConfig.DEFAULT_POLL_INTERVAL_SECONDS).add()
                .property().name(MailQueueConfig.LEASE_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("How long a running attempt hides its mail from other nodes; keep it above the realm's SMTP timeouts.")
                .defaultValue(MailQueueConfig.DEFAULT_LEASE_SECONDS).add()
                .property().name(MailQueueConfig.FAILED_RETENTION_DAYS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Days a given-up mail stays in the outbox table for inspection before it is deleted.")
                .defaultValue(MailQueueConfig.DEFAULT_FAILED_RETENTION_DAYS).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        if (workers != null) {
            workers.info(info);
        }
        info.put("maxAttempts", Integer.toString(config.maxAttempts()));
        info.put("sent", Long.toString(stats.sent.sum()));
        info.put("skipped", Long.toString(stats.skipped.sum()));
        info.put("failed", Long.toString(stats.failedAttempts.sum()));
        info.put("givenUp", Long.toString(stats.givenUp.sum()));
        info.put("deferred", Long.toString(stats.deferred.sum()));
        info.put("outboxPending", Long.toString(stats.pending));
        info.put("outboxGivenUp", Long.toString(stats.failedRows));
        return info;
    }
}
