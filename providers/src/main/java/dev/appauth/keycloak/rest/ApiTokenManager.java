package dev.appauth.keycloak.rest;

import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;

/**
 * Keycloak's token manager for the grants /auth runs, less the ID token: the API's token response carries the access
 * and refresh tokens only, so an ID token (its protocol mappers and an RSA signature, in every login and refresh)
 * would be made and thrown away. The access token keeps the {@code openid} scope, so it works at userinfo as
 * before; Keycloak's own token endpoint is not affected.
 */
final class ApiTokenManager extends TokenManager {

    @Override
    public AccessTokenResponseBuilder responseBuilder(RealmModel realm, ClientModel client, EventBuilder event,
                                                      KeycloakSession session, UserSessionModel userSession,
                                                      ClientSessionContext clientSessionCtx) {
        return new AccessTokenResponseBuilder(realm, client, event, session, userSession, clientSessionCtx, this) {
            @Override
            public AccessTokenResponseBuilder generateIDToken(boolean isIdTokenAsDetachedSignature) {
                return this;
            }

            @Override
            public AccessTokenResponseBuilder generateAccessTokenHash() {
                // the at_hash claim belongs to the ID token that is not made
                return this;
            }
        };
    }
}
