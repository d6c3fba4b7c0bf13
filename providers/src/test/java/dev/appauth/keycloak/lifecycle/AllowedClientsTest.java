package dev.appauth.keycloak.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;

class AllowedClientsTest {

    private static <T> T standIn(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> answer.apply(method.getName(), args)));
    }

    private static ClientModel client(String clientId, String allowed) {
        Map<String, String> attributes = new HashMap<>();
        if (allowed != null) {
            attributes.put(AllowedClients.ATTRIBUTE, allowed);
        }
        return standIn(ClientModel.class, (method, args) -> switch (method) {
            case "getClientId" -> clientId;
            case "getAttribute" -> attributes.get((String) args[0]);
            case "setAttribute" -> attributes.put((String) args[0], (String) args[1]);
            case "removeAttribute" -> attributes.remove((String) args[0]);
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private static List<String> find(boolean searchable, List<ClientModel> realmClients) {
        ClientProvider clients = standIn(ClientProvider.class, (method, args) -> {
            if (!method.equals("searchClientsByAttributes")) {
                throw new UnsupportedOperationException(method);
            }
            if (!searchable) {
                // what Keycloak's JPA store answers for an attribute not in --spi-client--jpa--searchable-attributes
                throw new ModelException("Attributes [auth-api.allowed] not allowed for search");
            }
            // the query matches the stored value; the model may know better (this transaction's changes)
            return realmClients.stream().filter(c -> c.getAttribute(AllowedClients.ATTRIBUTE) != null);
        });
        KeycloakSession session = standIn(KeycloakSession.class, (method, args) -> {
            if (method.equals("clients")) {
                return clients;
            }
            throw new UnsupportedOperationException(method);
        });
        RealmModel realm = standIn(RealmModel.class, (method, args) -> switch (method) {
            case "getClientsStream" -> realmClients.stream();
            case "getName" -> "test";
            default -> throw new UnsupportedOperationException(method);
        });
        return AllowedClients.find(session, realm).map(ClientModel::getClientId).toList();
    }

    @Test
    void onlyTheValueTrueAllows() {
        assertThat(AllowedClients.isAllowed(client("a", "true"))).isTrue();
        assertThat(AllowedClients.isAllowed(client("a", "TRUE"))).isFalse();
        assertThat(AllowedClients.isAllowed(client("a", null))).isFalse();
        ClientModel c = client("a", null);
        AllowedClients.setAllowed(c, true);
        assertThat(c.getAttribute(AllowedClients.ATTRIBUTE)).isEqualTo("true");
        AllowedClients.setAllowed(c, false);
        assertThat(c.getAttribute(AllowedClients.ATTRIBUTE)).isNull();
    }

    @Test
    void findsByQueryWhenSearchableAndByScanOtherwise() {
        List<ClientModel> clients = List.of(client("a", "true"), client("b", null), client("c", "false"), client("d", "true"));
        assertThat(find(true, clients)).containsExactly("a", "d");
        assertThat(find(false, clients)).containsExactly("a", "d");
    }
}
