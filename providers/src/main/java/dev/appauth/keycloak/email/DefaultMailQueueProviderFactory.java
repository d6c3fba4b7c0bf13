package dev.appauth.keycloak.email;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.email.EmailException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/** The mail queue ({@code default}): owns the worker pool, which lives as long as the server. */
public class DefaultMailQueueProviderFactory implements MailQueueProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";

    private MailQueueConfig config;
    private MailWorkers workers;

    @Override
    public MailQueueProvider create(KeycloakSession session) {
        return new DefaultMailQueueProvider(session, workers);
    }

    @Override
    public void init(Config.Scope scope) {
        config = MailQueueConfig.from(scope);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        workers = new MailWorkers(config, (realmId, task) -> runInOwnSession(factory, realmId, task),
                DefaultMailQueueProviderFactory.class.getClassLoader());
    }

    private static boolean runInOwnSession(KeycloakSessionFactory factory, String realmId, MailTask task) throws EmailException {
        boolean[] sent = {false};
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                if (realm == null) {
                    return; // the realm was deleted meanwhile
                }
                session.getContext().setRealm(realm);
                try {
                    sent[0] = task.send(session, realm);
                } catch (EmailException e) {
                    throw new MailNotSentException(e);
                }
            });
        } catch (MailNotSentException e) {
            throw (EmailException) e.getCause();
        }
        return sent[0];
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.close();
        }
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
                .helpText("Mails that may wait for a worker; when full, new mails are dropped, logged and counted.")
                .defaultValue(MailQueueConfig.DEFAULT_QUEUE_CAPACITY).add()
                .property().name(MailQueueConfig.DISPATCH_DELAY_MILLIS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Milliseconds a mail waits after its request before a worker starts on it, so that mail work never"
                        + " competes with the response that caused it (response times then do not reveal whether a mail was sent).")
                .defaultValue(MailQueueConfig.DEFAULT_DISPATCH_DELAY_MILLIS).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return workers == null ? new LinkedHashMap<>() : workers.info();
    }

    /** Carries a failed send out of the session task, whose interface allows no checked exceptions. */
    private static final class MailNotSentException extends RuntimeException {
        MailNotSentException(EmailException cause) {
            super("mail not sent", cause);
        }
    }
}
