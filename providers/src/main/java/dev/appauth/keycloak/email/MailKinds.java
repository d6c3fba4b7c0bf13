package dev.appauth.keycloak.email;

import java.util.Map;

/**
 * The mail intents a layer above registers: kind name (stored in the outbox's {@code KIND} column, so it must stay
 * stable across releases) to the record class that carries it. The outbox only ever rebuilds these classes from
 * stored JSON — an allow-list, never a class name read from the database.
 *
 * <p>Why a {@link java.util.ServiceLoader} service: the intents belong to the use cases (lifecycle/), which sit
 * above email/; the use cases implement this interface and list the implementation in
 * {@code META-INF/services/dev.appauth.keycloak.email.MailKinds}, so email/ learns the types at start without
 * importing a layer above it. Loaded once, by the queue's provider factory.
 */
public interface MailKinds {

    Map<String, Class<? extends MailTask>> kinds();
}
