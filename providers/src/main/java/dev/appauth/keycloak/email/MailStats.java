package dev.appauth.keycloak.email;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the mail queue did on this node (counters) and what the outbox holds across the cluster (row counts, refreshed
 * by each poll). Shown in the admin console (Provider info, {@code app-auth-mail}) and, with {@code --metrics-enabled},
 * on Keycloak's metrics endpoint as {@code app_auth_mail_*}.
 */
final class MailStats {

    final LongAdder sent = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final LongAdder givenUp = new LongAdder();
    final LongAdder deferred = new LongAdder();
    /** Outbox rows still to send / given up, as of the last poll; -1 before the first. */
    volatile long pending = -1;
    volatile long failedRows = -1;

    private final List<Meter> meters = new ArrayList<>();

    /** Registers the meters (Keycloak's own meters use the same global registry). */
    void bind(MeterRegistry registry) {
        meters.add(FunctionCounter.builder("app.auth.mail.sent", sent, LongAdder::sum)
                .description("Account mails handed to the SMTP server by this node").register(registry));
        meters.add(FunctionCounter.builder("app.auth.mail.skipped", skipped, LongAdder::sum)
                .description("Mail intents with nothing to send (e.g. no account has the address)").register(registry));
        meters.add(FunctionCounter.builder("app.auth.mail.attempts.failed", failedAttempts, LongAdder::sum)
                .description("Failed send attempts on this node; each is retried until the mail is given up").register(registry));
        meters.add(FunctionCounter.builder("app.auth.mail.given.up", givenUp, LongAdder::sum)
                .description("Mails given up by this node after their last attempt").register(registry));
        meters.add(Gauge.builder("app.auth.mail.outbox.pending", this, s -> Math.max(0, s.pending))
                .description("Mails in the outbox still to be sent (whole cluster)").register(registry));
        meters.add(Gauge.builder("app.auth.mail.outbox.failed", this, s -> Math.max(0, s.failedRows))
                .description("Given-up mails kept in the outbox (whole cluster)").register(registry));
    }

    void unbind(MeterRegistry registry) {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
