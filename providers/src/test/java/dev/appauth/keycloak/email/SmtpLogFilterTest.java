package dev.appauth.keycloak.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keycloak's KC-SERVICES0029 (ERROR with stack trace) is dropped for the outbox's own attempts only. */
class SmtpLogFilterTest {

    private final Logger logger = Logger.getLogger(SmtpLogFilter.LOGGER);
    private final List<LogRecord> published = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            published.add(record); // the logger applied its filter before handing the record on
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void detach() {
        logger.removeHandler(handler);
        logger.setFilter(null);
    }

    @Test
    void dropsKeycloaksSmtpFailureOnlyDuringAnAttempt() {
        List<String> seenByPrevious = new ArrayList<>();
        logger.setFilter(record -> seenByPrevious.add(record.getMessage()));
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
        SmtpLogFilter filter = new SmtpLogFilter();
        filter.install();

        logger.log(Level.SEVERE, "KC-SERVICES0029: Failed to send email", new RuntimeException("to someone@example.com"));
        filter.during(() -> {
            logger.log(Level.SEVERE, "KC-SERVICES0029: Failed to send email", new RuntimeException("to someone@example.com"));
            logger.log(Level.WARNING, "KC-SERVICES0001: something else");
            return null;
        });

        assertThat(published).extracting(LogRecord::getMessage)
                .containsExactly("KC-SERVICES0029: Failed to send email", "KC-SERVICES0001: something else");
        assertThat(seenByPrevious).as("the filter that was there still sees what passes").hasSize(2);

        filter.uninstall();
        assertThat(logger.getFilter()).isNotSameAs(filter).isNotNull();
    }
}
