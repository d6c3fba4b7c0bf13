package dev.appauth.keycloak.store;

import java.util.function.ObjLongConsumer;

/**
 * The durable record of revoked tokens that outlives Redis: in Keycloak, its {@code REVOKED_TOKEN} table, written
 * and read through Keycloak's own {@code RevokedTokenPersisterProvider} (see {@link KeycloakRevokedTokenDatabase}).
 */
public interface RevokedTokenDatabase {

    /** Records (or extends) the revocation of a token id for at least {@code lifespanSeconds}. */
    void revoke(String tokenId, long lifespanSeconds);

    /** Hands every revocation that has not expired yet to {@code action}, with its remaining lifespan in seconds. */
    void forEachActive(ObjLongConsumer<String> action);
}
