package dev.appauth.keycloak.rest;

import org.keycloak.models.ClientModel;
import org.keycloak.models.delegate.ClientModelLazyDelegate;

/**
 * The API's own client as Keycloak's password grant sees it on a /auth request. The client {@code auth-api} exists
 * for the API: its "Direct access grants" switch is off, so Keycloak's token endpoint refuses the password grant
 * for it and nobody can go around the API's rate limits and rules there. On /auth, after those ran, the grant is
 * shown the same client with the grant allowed; everything else is the client itself.
 */
final class ApiPasswordGrantClient extends ClientModelLazyDelegate.WithId {

    ApiPasswordGrantClient(ClientModel client) {
        super(client.getId(), () -> client);
    }

    @Override
    public boolean isDirectAccessGrantsEnabled() {
        return true;
    }
}
