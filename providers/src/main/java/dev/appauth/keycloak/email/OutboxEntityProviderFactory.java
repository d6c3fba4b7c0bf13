package dev.appauth.keycloak.email;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Adds the mail outbox table to Keycloak's own database: the entity joins Keycloak's persistence unit (so a row is
 * written in the request's transaction) and Liquibase creates or upgrades the table at start, tracked in
 * {@code DATABASECHANGELOG_APP_AUTH_M}, like Keycloak's own schema.
 */
public class OutboxEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String ID = "app-auth-mail-outbox";

    private final JpaEntityProvider provider = new OutboxEntityProvider();

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return provider;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
