package dev.appauth.keycloak.email;

import java.util.List;

import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** The outbox entity and its Liquibase changelog (stateless, so one instance serves every session). */
final class OutboxEntityProvider implements JpaEntityProvider {

    @Override
    public List<Class<?>> getEntities() {
        return List.of(OutboxMailEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/app-auth-mail-outbox-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return OutboxEntityProviderFactory.ID;
    }

    @Override
    public void close() {
    }
}
