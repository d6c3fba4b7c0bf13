package dev.appauth.keycloak.email;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keycloak's mail sender logs every SMTP failure as KC-SERVICES0029 at ERROR with the full stack trace (and the
 * server's answer, which may quote the address). For the outbox's own attempts that line is replaced by the
 * outbox's one-line WARN, so this filter drops it — only on a thread that is inside an outbox attempt; Keycloak's
 * own mails (admin "test connection", required-action mails) keep their logging. A filter on the
 * {@code org.keycloak.services} logger of the server's log manager (JBoss LogManager, behind java.util.logging),
 * installed by the factory and removed again when it closes; an existing filter there still sees every record.
 */
final class SmtpLogFilter implements Filter {

    static final String LOGGER = "org.keycloak.services";
    static final String FAILED_TO_SEND = "KC-SERVICES0029";

    private final ThreadLocal<Boolean> attempting = ThreadLocal.withInitial(() -> false);
    private Logger logger;
    private Filter previous;

    void install() {
        logger = Logger.getLogger(LOGGER);
        previous = logger.getFilter();
        logger.setFilter(this);
    }

    void uninstall() {
        if (logger != null && logger.getFilter() == this) {
            logger.setFilter(previous);
        }
    }

    /** Runs an outbox attempt with Keycloak's failure line suppressed on this thread. */
    <T, E extends Exception> T during(Attempt<T, E> attempt) throws E {
        attempting.set(true);
        try {
            return attempt.run();
        } finally {
            attempting.set(false);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (attempting.get() && record.getMessage() != null && record.getMessage().startsWith(FAILED_TO_SEND)) {
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    @FunctionalInterface
    interface Attempt<T, E extends Exception> {
        T run() throws E;
    }
}
