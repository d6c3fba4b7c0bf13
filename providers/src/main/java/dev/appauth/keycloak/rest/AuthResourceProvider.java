package dev.appauth.keycloak.rest;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

public class AuthResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;
    private final AuthApiConfig config;

    AuthResourceProvider(KeycloakSession session, AuthApiConfig config) {
        this.session = session;
        this.config = config;
    }

    @Override
    public Object getResource() {
        return new AuthResource(new ApiContext(session, config));
    }

    @Override
    public void close() {
    }
}
