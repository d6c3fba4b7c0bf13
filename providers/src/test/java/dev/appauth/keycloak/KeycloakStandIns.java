package dev.appauth.keycloak;

import java.lang.reflect.Proxy;
import java.util.List;

import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.provider.ProviderEventListener;
import org.keycloak.provider.ProviderFactory;

/** Minimal stand-ins for Keycloak's session objects: only what the factories call, anything else throws. */
public final class KeycloakStandIns {

    private KeycloakStandIns() {
    }

    /** A session factory whose selected provider for {@code type} is {@code selected}. */
    public static KeycloakSessionFactory sessionFactory(Class<?> type, ProviderFactory<?> selected, List<Object> listeners) {
        return (KeycloakSessionFactory) Proxy.newProxyInstance(KeycloakSessionFactory.class.getClassLoader(),
                new Class<?>[] { KeycloakSessionFactory.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getProviderFactory" -> args.length == 1 && args[0] == type ? selected : null;
                    case "register" -> {
                        listeners.add((ProviderEventListener) args[0]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    public static KeycloakSession session(List<KeycloakTransaction> enlisted) {
        return session(enlisted, null);
    }

    /** A session that records after-completion transactions and, if given, has this context. */
    public static KeycloakSession session(List<KeycloakTransaction> enlisted, KeycloakContext context) {
        KeycloakTransactionManager manager = (KeycloakTransactionManager) Proxy.newProxyInstance(
                KeycloakTransactionManager.class.getClassLoader(), new Class<?>[] { KeycloakTransactionManager.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("enlistAfterCompletion")) {
                        enlisted.add((KeycloakTransaction) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (KeycloakSession) Proxy.newProxyInstance(KeycloakSession.class.getClassLoader(),
                new Class<?>[] { KeycloakSession.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getTransactionManager")) {
                        return manager;
                    }
                    if (method.getName().equals("getContext") && context != null) {
                        return context;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
