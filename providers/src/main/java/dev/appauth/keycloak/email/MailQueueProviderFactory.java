package dev.appauth.keycloak.email;

import org.keycloak.provider.ProviderFactory;

public interface MailQueueProviderFactory extends ProviderFactory<MailQueueProvider> {
}
