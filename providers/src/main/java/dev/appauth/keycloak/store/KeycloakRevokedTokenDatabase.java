package dev.appauth.keycloak.store;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

/**
 * Keycloak's own revoked-token persistence ({@code RevokedTokenPersisterProvider}, JPA entity
 * {@code RevokedTokenEntity}, table {@code REVOKED_TOKEN}), the same calls Keycloak's Infinispan single-use store
 * makes. That interface lives in keycloak-model-storage-private, which this jar does not compile against, so it is
 * bound by name once per server ({@link Binding#resolve}) and startup fails if a Keycloak upgrade moved it.
 * Writes join the request's database transaction, as they do with Infinispan.
 */
public final class KeycloakRevokedTokenDatabase implements RevokedTokenDatabase {

    static final String PERSISTER_TYPE = "org.keycloak.models.session.RevokedTokenPersisterProvider";
    static final String REVOKED_TOKEN_TYPE = "org.keycloak.models.session.RevokedToken";

    private final KeycloakSession session;
    private final Binding binding;
    private Provider persister;

    public KeycloakRevokedTokenDatabase(KeycloakSession session, Binding binding) {
        this.session = session;
        this.binding = binding;
    }

    @Override
    public void revoke(String tokenId, long lifespanSeconds) {
        try {
            binding.revokeToken.invoke(persister(), tokenId, lifespanSeconds);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void forEachActive(ObjLongConsumer<String> action) {
        long now = Time.currentTime();
        Stream<?> tokens;
        try {
            tokens = (Stream<?>) binding.getAllRevokedTokens.invoke(persister());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        try (tokens) {
            tokens.forEach(token -> {
                try {
                    long remaining = (long) binding.expiry.invoke(token) - now;
                    if (remaining > 0) {
                        action.accept((String) binding.tokenId.invoke(token), remaining);
                    }
                } catch (Throwable t) {
                    throw rethrow(t);
                }
            });
        }
    }

    private Provider persister() {
        if (persister == null) {
            persister = session.getProvider(binding.persisterType);
            if (persister == null) {
                throw new IllegalStateException("Keycloak has no " + PERSISTER_TYPE + " provider");
            }
        }
        return persister;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            return runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(t);
    }

    /** The resolved Keycloak types and methods; immutable, one per server. */
    public static final class Binding {

        final Class<? extends Provider> persisterType;
        final MethodHandle revokeToken;
        final MethodHandle getAllRevokedTokens;
        final MethodHandle tokenId;
        final MethodHandle expiry;

        private Binding(Class<? extends Provider> persisterType, Class<?> revokedTokenType) throws ReflectiveOperationException {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            this.persisterType = persisterType;
            this.revokeToken = lookup.findVirtual(persisterType, "revokeToken", MethodType.methodType(void.class, String.class, long.class));
            this.getAllRevokedTokens = lookup.findVirtual(persisterType, "getAllRevokedTokens", MethodType.methodType(Stream.class));
            this.tokenId = lookup.findVirtual(revokedTokenType, "tokenId", MethodType.methodType(String.class));
            this.expiry = lookup.findVirtual(revokedTokenType, "expiry", MethodType.methodType(long.class));
        }

        /** Finds Keycloak's persister API through {@code loader}; fails with a clear message if it is not there. */
        public static Binding resolve(ClassLoader loader) {
            try {
                Class<?> persister = Class.forName(PERSISTER_TYPE, false, loader);
                Class<?> revokedToken = Class.forName(REVOKED_TOKEN_TYPE, false, loader);
                return new Binding(persister.asSubclass(Provider.class), revokedToken);
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new IllegalStateException("Keycloak's revoked-token persistence (" + PERSISTER_TYPE
                        + ") was not found or has changed; this build of app-auth targets Keycloak 26.7", e);
            }
        }
    }
}
