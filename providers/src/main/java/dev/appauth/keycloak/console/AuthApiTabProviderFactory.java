package dev.appauth.keycloak.console;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

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

import dev.appauth.keycloak.lifecycle.AllowedClients;
import dev.appauth.keycloak.token.ActionLinks;

/**
 * The "Auth API" tab under Realm settings in the admin console (Keycloak's declarative-UI SPI, feature
 * {@code declarative-ui}): the clients that apps may name with {@code client_id} in /auth requests.
 *
 * <p>The console stores the form as one component of this provider per realm (parent: the realm). Its
 * fields ({@link TabField}) are editors for client attributes — {@value AllowedClients#ATTRIBUTE} and
 * {@value ActionLinks#ACTION_URL_ATTRIBUTE} — which stay the only thing the API reads: saving the tab
 * sets each attribute on the listed clients and removes it from all others, and {@link TabSync}
 * rewrites the fields whenever an attribute changes elsewhere. Deleting the component leaves the
 * attributes as they are.
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
                + AllowedClients.ATTRIBUTE + "=true), and the app pages their reset and verification links open ("
                + ActionLinks.ACTION_URL_ATTRIBUTE + ").";
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
                .property().name(TabField.ALLOWED_CLIENTS.configKey).type(ProviderConfigProperty.TEXT_TYPE)
                .label("authApiAllowedClients").helpText("authApiAllowedClientsHelp").add()
                .property().name(TabField.ACTION_URLS.configKey).type(ProviderConfigProperty.TEXT_TYPE)
                .label("authApiActionUrls").helpText("authApiActionUrlsHelp").add()
                .build();
    }

    /**
     * Every line must be well-formed and name an existing client, and the admin may change (manage) every
     * client whose attribute the save would change. Normalises the fields (sorted, one entry per line) and
     * drops what the console adds on creation besides the form: it copies the page's route parameters
     * (realm, tab) into the config.
     */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        Map<TabField, SortedMap<String, String>> fields = new EnumMap<>(TabField.class);
        for (TabField field : TabField.values()) {
            try {
                fields.put(field, field.of(model));
            } catch (IllegalArgumentException badLine) {
                throw new ComponentValidationException("authApiBadActionUrl", badLine.getMessage());
            }
        }
        List<String> unknown = fields.values().stream().flatMap(entries -> entries.keySet().stream())
                .filter(id -> realm.getClientByClientId(id) == null).distinct().sorted().toList();
        if (!unknown.isEmpty()) {
            throw new ComponentValidationException("authApiUnknownClients", String.join(", ", unknown));
        }
        if (!TabSync.isSyncing(session)) {
            Predicate<ClientModel> mayChange = AdminClientPermission.of(session, realm);
            List<String> refused = fields.entrySet().stream()
                    .flatMap(e -> TabSync.changes(session, realm, e.getKey(), e.getValue()))
                    .filter(mayChange.negate()).map(ClientModel::getClientId).distinct().sorted().toList();
            if (!refused.isEmpty()) {
                throw new ComponentValidationException("authApiClientsNotManageable", String.join(", ", refused));
            }
        }
        model.getConfig().keySet().removeIf(key -> Stream.of(TabField.values()).noneMatch(f -> f.configKey.equals(key)));
        fields.forEach((field, entries) -> field.store(model, entries));
    }

    /** The console creates the component when it found none; one per realm is what it reads, so older ones go. */
    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (TabSync.isSyncing(session)) {
            return;
        }
        TabSync.components(realm).filter(c -> !c.getId().equals(model.getId())).toList()
                .forEach(realm::removeComponent);
        apply(session, realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (TabSync.isSyncing(session)) {
            return;
        }
        apply(session, realm, newModel);
    }

    private static void apply(KeycloakSession session, RealmModel realm, ComponentModel model) {
        for (TabField field : TabField.values()) {
            TabSync.apply(session, realm, field, field.of(model));
        }
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(TabSync::onEvent);
    }

    @Override
    public void close() {
    }
}
