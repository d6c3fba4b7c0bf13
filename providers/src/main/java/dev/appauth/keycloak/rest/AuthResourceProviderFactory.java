package dev.appauth.keycloak.rest;

import java.util.List;

import dev.appauth.keycloak.ratelimit.RealmRateLimiter;
import dev.appauth.keycloak.ratelimit.ServerRateLimits;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves the JSON API at {@code /realms/{realm}/auth/}. */
public class AuthResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String ID = "auth";

    private AuthApiConfig config;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new AuthResourceProvider(session, config);
    }

    @Override
    public void init(Config.Scope scope) {
        config = AuthApiConfig.from(scope);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("default-client-id").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Client whose tokens the API issues when a request names no client_id.")
                .defaultValue(AuthApiConfig.DEFAULT_CLIENT_ID).add()
                .property().name("max-body-bytes").type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Largest accepted request body in bytes; larger bodies get 413.")
                .defaultValue(AuthApiConfig.DEFAULT_MAX_BODY_BYTES).add()
                .property().name(AuthApiConfig.RESEND_COOLDOWN_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Least seconds between two verification mails that resend-verification sends to one address.")
                .defaultValue(AuthApiConfig.DEFAULT_RESEND_COOLDOWN_SECONDS).add()
                .property().name(ServerRateLimits.OPTION).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Rate limits overriding the built-in ones, as endpoint.scope=count/window pairs "
                        + "(scope ip or account, window like 30s/10m/1h, or off; endpoint * for all), e.g. login.ip=100/1m. "
                        + "A realm overrides them with its attribute " + RealmRateLimiter.REALM_ATTRIBUTE + ".")
                .defaultValue(ServerRateLimits.DEFAULTS).add()
                .build();
    }
}
