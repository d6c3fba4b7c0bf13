package dev.appauth.keycloak.console;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiTabProviderFactory;

import dev.appauth.keycloak.rest.AllowedClients;

/**
 * The "Auth API" tab under Realm settings in the admin console (Keycloak's declarative-UI SPI, feature
 * {@code declarative-ui}): the clients that apps may name with {@code client_id} in /auth requests.
 *
 * <p>The console stores the form as one component of this provider per realm (parent: the realm). Its
 * list is an editor for the client attribute {@value AllowedClients#ATTRIBUTE}, which stays the only
 * thing the API checks: saving the tab sets the attribute on the listed clients and removes it from
 * all others, and {@link AllowedClientsSync} rewrites the list whenever the attribute changes elsewhere.
 * Deleting the component leaves the attributes as they are.
 */
public class AuthApiTabProviderFactory implements UiTabProviderFactory<Void> {

    public static final String ID = "auth-api";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getHelpText() {
        return "Clients that first-party apps may name with client_id in /auth requests (client attribute "
                + AllowedClients.ATTRIBUTE + "=true).";
    }

    /**
     * A tab of Realm settings, at /#/{realm}/realm-settings/auth-api, titled by the message whose key is
     * the provider id. Every tab bar on the page matches this against the URL, so the nested bars of
     * Client policies, User profile and Keys show it too (a link here), and their sub-pages hide it;
     * the console's route patterns allow nothing better.
     */
    @Override
    public String getPath() {
        return "/:realm/realm-settings/:tab";
    }

    @Override
    public Map<String, String> getParams() {
        return Map.of("tab", "auth-api");
    }

    /** Labels are message keys (theme-resources/messages), as the console translates them. */
    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(AllowedClientsList.CONFIG_KEY).type(ProviderConfigProperty.TEXT_TYPE)
                .label("authApiAllowedClients").helpText("authApiAllowedClientsHelp").add()
                .build();
    }

    /**
     * Every listed client must exist, and the admin may change (manage) every client whose state the
     * save would change. Normalises the list (sorted, one per line) and drops what the console adds on
     * creation besides the form: it copies the page's route parameters (realm, tab) into the config.
     */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        List<String> clientIds = AllowedClientsList.of(model);
        List<String> unknown = clientIds.stream().filter(id -> realm.getClientByClientId(id) == null).toList();
        if (!unknown.isEmpty()) {
            throw new ComponentValidationException("authApiUnknownClients", String.join(", ", unknown));
        }
        if (!AllowedClientsSync.isSyncing(session)) {
            Predicate<ClientModel> mayChange = AdminClientPermission.of(session, realm);
            List<String> refused = AllowedClientsSync.changes(session, realm, clientIds)
                    .filter(mayChange.negate()).map(ClientModel::getClientId).sorted().toList();
            if (!refused.isEmpty()) {
                throw new ComponentValidationException("authApiClientsNotManageable", String.join(", ", refused));
            }
        }
        model.getConfig().keySet().removeIf(key -> !AllowedClientsList.CONFIG_KEY.equals(key));
        AllowedClientsList.store(model, clientIds);
    }

    /** The console creates the component when it found none; one per realm is what it reads, so older ones go. */
    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (AllowedClientsSync.isSyncing(session)) {
            return;
        }
        AllowedClientsSync.components(realm).filter(c -> !c.getId().equals(model.getId())).toList()
                .forEach(realm::removeComponent);
        AllowedClientsSync.apply(session, realm, AllowedClientsList.of(model));
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (AllowedClientsSync.isSyncing(session)) {
            return;
        }
        AllowedClientsSync.apply(session, realm, AllowedClientsList.of(newModel));
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(AllowedClientsSync::onEvent);
    }

    @Override
    public void close() {
    }
}
