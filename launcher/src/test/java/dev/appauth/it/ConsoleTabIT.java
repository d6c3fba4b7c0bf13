package dev.appauth.it;

import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin console's Realm settings → Auth API tab, driven through the admin REST API exactly as the
 * console's PageHandler does it: it lists the UiTabProvider components of the realm, takes the one of
 * this provider, and saves the form with PUT (or POST when there was none), adding the page's route
 * parameters (realm, tab) to the config and the realm's id as parent. The client attribute stays the
 * truth: /auth/login follows it, and the tab shows changes made to it elsewhere.
 */
@ExtendWith(KeycloakStackExtension.class)
@SuppressWarnings("unchecked")
class ConsoleTabIT {

    private static final String TAB_PROVIDER = "org.keycloak.services.ui.extend.UiTabProvider";
    private static final String PROVIDER_ID = "auth-api";
    private static final String ATTRIBUTE = "auth-api.allowed";
    private static final String FIELD = "allowedClients";
    private static final String URLS_FIELD = "actionUrls";
    private static final String URL_ATTRIBUTE = "auth-api.action-url";

    // --- what the console does --------------------------------------------------------------------

    private static List<JsonNode> tabComponents() {
        JsonNode all = AuthApi.adminGet(AuthApi.REALM + "/components?type=" + TAB_PROVIDER);
        return StreamSupport.stream(all.spliterator(), false)
                .filter(c -> PROVIDER_ID.equals(c.path("providerId").asText())).toList();
    }

    /** The component the console loads into the form when the tab opens. */
    private static JsonNode openTab() {
        List<JsonNode> components = tabComponents();
        assertThat(components).as("one Auth API component per realm").hasSize(1);
        return components.get(0);
    }

    private static List<String> listed(JsonNode component) {
        JsonNode values = component.path("config").path(FIELD);
        List<String> ids = new ArrayList<>();
        values.forEach(v -> Arrays.stream(v.asText().split("\n")).map(String::trim).filter(s -> !s.isEmpty()).forEach(ids::add));
        return ids;
    }

    /** The body the console sends on Save: the form, the route parameters, provider and parent. */
    private static Map<String, Object> saveBody(List<String> clientIds) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(FIELD, List.of(String.join("\n", clientIds)));
        config.put("realm", List.of(AuthApi.REALM));
        config.put("tab", List.of(PROVIDER_ID));
        return map("providerId", PROVIDER_ID, "providerType", TAB_PROVIDER, "parentId", realmId(), "config", config);
    }

    /** Save as the console does it: every field of the form, the untouched ones as the tab showed them. */
    private static Http.Reply save(JsonNode component, List<String> clientIds) {
        return save(component, clientIds, component.path("config").path(URLS_FIELD).path(0).asText(""));
    }

    private static Http.Reply save(JsonNode component, List<String> clientIds, String actionUrls) {
        Map<String, Object> body = saveBody(clientIds);
        ((Map<String, Object>) body.get("config")).put(URLS_FIELD, List.of(actionUrls));
        return AuthApi.admin("PUT", AuthApi.REALM + "/components/" + component.get("id").asText(), body);
    }

    private static String actionUrlOf(String clientId) {
        return clientRep(clientId).path("attributes").path(URL_ATTRIBUTE).asText(null);
    }

    private static String realmId() {
        return AuthApi.adminGet(AuthApi.REALM).get("id").asText();
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static String newClient(String prefix, boolean allowed) {
        String clientId = AuthApi.unique(prefix);
        Map<String, Object> rep = new LinkedHashMap<>(map("clientId", clientId, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false));
        if (allowed) {
            rep.put("attributes", Map.of(ATTRIBUTE, "true"));
        }
        Http.Reply created = AuthApi.admin("POST", AuthApi.REALM + "/clients", rep);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return clientId;
    }

    private static JsonNode clientRep(String clientId) {
        return AuthApi.adminGet(AuthApi.REALM + "/clients/" + AuthApi.clientUuid(clientId));
    }

    private static boolean attributeSet(String clientId) {
        return "true".equals(clientRep(clientId).path("attributes").path(ATTRIBUTE).asText(null));
    }

    private static void updateClient(String clientId, Map<String, Object> changes) {
        Map<String, Object> rep = Http.JSON.convertValue(clientRep(clientId), Map.class);
        rep.putAll(changes);
        Http.Reply reply = AuthApi.admin("PUT", AuthApi.REALM + "/clients/" + rep.get("id"), rep);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(204);
    }

    private static Http.Reply login(AuthApi.TestUser user, String clientId) {
        return AuthApi.post("login", map("email", user.email(), "password", user.password(), "client_id", clientId));
    }

    private static void assertRefused(Http.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_client");
    }

    private static List<String> with(List<String> ids, String id) {
        List<String> result = new ArrayList<>(ids);
        result.add(id);
        return result;
    }

    private static List<String> without(List<String> ids, String id) {
        return ids.stream().filter(i -> !i.equals(id)).toList();
    }

    // --- tests ------------------------------------------------------------------------------------

    @Test
    void theConsoleOffersTheTabUnderRealmSettingsWithItsTitle() {
        JsonNode info = Http.get(KeycloakStackExtension.stack().baseUrl() + "/admin/serverinfo",
                "Authorization", Http.bearer(AuthApi.adminToken())).json();
        assertThat(StreamSupport.stream(info.get("features").spliterator(), false)
                .filter(f -> f.get("name").asText().equals("DECLARATIVE_UI")).findFirst().orElseThrow()
                .get("enabled").asBoolean()).as("feature declarative-ui").isTrue();
        JsonNode type = StreamSupport.stream(info.path("componentTypes").path(TAB_PROVIDER).spliterator(), false)
                .filter(t -> t.get("id").asText().equals(PROVIDER_ID)).findFirst().orElseThrow();
        assertThat(type.at("/metadata/path").asText()).isEqualTo("/:realm/realm-settings/:tab");
        assertThat(type.at("/metadata/params/tab").asText()).isEqualTo("auth-api");
        assertThat(type.at("/properties/0/name").asText()).isEqualTo(FIELD);
        assertThat(type.at("/properties/0/type").asText()).isEqualTo("Text");

        // the console titles the tab t(provider id), and translates the field's label and help
        JsonNode messages = Http.get(KeycloakStackExtension.stack().baseUrl() + "/resources/master/admin/en").json();
        Map<String, String> texts = new LinkedHashMap<>();
        messages.forEach(m -> texts.put(m.get("key").asText(), m.get("value").asText()));
        assertThat(texts).containsEntry("auth-api", "Auth API").containsEntry("authApiAllowedClients", "Allowed clients")
                .containsKey("authApiAllowedClientsHelp");
    }

    @Test
    void theTabOpensOnTheClientsThatCarryTheAttribute() {
        // realm-config marks the default client auth-api; the import created the component from that
        assertThat(attributeSet("auth-api")).isTrue();
        assertThat(listed(openTab())).contains("auth-api");
    }

    @Test
    void savingTheTabAllowsAndDisallowsAClientAndTheApiFollows() throws Exception {
        String clientId = newClient("tab-app", false);
        AuthApi.TestUser user = AuthApi.newUser();
        assertRefused(login(user, clientId));

        JsonNode tab = openTab();
        Http.Reply saved = save(tab, with(listed(tab), clientId));
        assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
        assertThat(attributeSet(clientId)).isTrue();
        Http.Reply allowed = login(user, clientId);
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        String payload = allowed.json().at("/token/access_token").asText().split("\\.")[1];
        assertThat(Http.JSON.readTree(Base64.getUrlDecoder().decode(payload)).get("azp").asText()).isEqualTo(clientId);
        // stored as the form shows it; the route parameters the console adds are not kept
        JsonNode reopened = openTab();
        assertThat(listed(reopened)).contains(clientId, "auth-api");
        assertThat(reopened.get("config").fieldNames()).toIterable().containsExactly(FIELD);

        saved = save(reopened, without(listed(reopened), clientId));
        assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
        assertThat(attributeSet(clientId)).isFalse();
        assertThat(listed(openTab())).doesNotContain(clientId);
        assertRefused(login(user, clientId));
    }

    @Test
    void anUnknownClientIsRefusedWithItsNameAndNothingChanges() {
        String clientId = newClient("tab-known", false);
        JsonNode tab = openTab();
        String unknown = AuthApi.unique("no-such-client");
        Http.Reply reply = save(tab, with(with(listed(tab), clientId), unknown));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().get("errorMessage").asText()).isEqualTo("No such client in this realm: " + unknown);
        assertThat(attributeSet(clientId)).isFalse();
        assertThat(listed(openTab())).isEqualTo(listed(tab));
    }

    @Test
    void attributeChangesMadeElsewhereShowInTheTab() {
        // set through the admin REST API when the client is created
        String clientId = newClient("rest-app", true);
        assertThat(listed(openTab())).contains(clientId);

        // renamed: the tab follows the client
        String renamed = clientId + "-renamed";
        updateClient(clientId, map("clientId", renamed));
        assertThat(listed(openTab())).contains(renamed).doesNotContain(clientId);

        // attribute removed, then set again
        updateClient(renamed, map("attributes", Map.of(ATTRIBUTE, "")));
        assertThat(attributeSet(renamed)).isFalse();
        assertThat(listed(openTab())).doesNotContain(renamed);
        updateClient(renamed, map("attributes", Map.of(ATTRIBUTE, "true")));
        assertThat(listed(openTab())).contains(renamed);

        // deleted
        Http.Reply deleted = AuthApi.admin("DELETE", AuthApi.REALM + "/clients/" + AuthApi.clientUuid(renamed), null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(listed(openTab())).doesNotContain(renamed);
    }

    @Test
    void aRealmAdminWhoMayNotManageClientsCannotChangeThemThroughTheTab() {
        // manage-realm (needed for the tab, as for every component) but not manage-clients
        String username = AuthApi.unique("realm-admin");
        Http.Reply created = AuthApi.admin("POST", AuthApi.REALM + "/users", map("username", username, "enabled", true,
                "email", username + "@example.com", "emailVerified", true, "firstName", "Realm", "lastName", "Admin",
                "credentials", List.of(map("type", "password", "value", AuthApi.STRONG_PASSWORD, "temporary", false))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String userId = AuthApi.adminGet(AuthApi.REALM + "/users?exact=true&username=" + username).get(0).get("id").asText();
        String managementClient = AuthApi.clientUuid("realm-management");
        List<JsonNode> roles = new ArrayList<>();
        for (String role : List.of("manage-realm", "view-realm", "view-clients")) {
            roles.add(AuthApi.adminGet(AuthApi.REALM + "/clients/" + managementClient + "/roles/" + role));
        }
        Http.Reply granted = AuthApi.admin("POST", AuthApi.REALM + "/users/" + userId + "/role-mappings/clients/" + managementClient, roles);
        assertThat(granted.status()).as(granted.toString()).isEqualTo(204);
        Http.Reply token = Http.postForm(AuthApi.stack().realmUrl(AuthApi.REALM) + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli", "username", username, "password", AuthApi.STRONG_PASSWORD));
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        String realmAdmin = Http.bearer(token.json().get("access_token").asText());

        String clientId = newClient("tab-guarded", false);
        JsonNode tab = openTab();
        Http.Reply refused = Http.send(Http.request(AuthApi.stack().baseUrl() + "/admin/realms/" + AuthApi.REALM
                        + "/components/" + tab.get("id").asText())
                .header("Authorization", realmAdmin).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Http.write(saveBody(with(listed(tab), clientId))))).build());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("errorMessage").asText()).isEqualTo("You may not change these clients: " + clientId);
        assertThat(attributeSet(clientId)).isFalse();

        // saving without changing any client is fine
        Http.Reply unchanged = Http.send(Http.request(AuthApi.stack().baseUrl() + "/admin/realms/" + AuthApi.REALM
                        + "/components/" + tab.get("id").asText())
                .header("Authorization", realmAdmin).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Http.write(saveBody(listed(tab))))).build());
        assertThat(unchanged.status()).as(unchanged.toString()).isEqualTo(204);
    }

    @Test
    void withoutAComponentTheConsoleCreatesOneAndItReplacesAnyOther() {
        JsonNode before = openTab();
        List<String> allowedBefore = listed(before);
        // deleting the component leaves the attributes alone
        Http.Reply deleted = AuthApi.admin("DELETE", AuthApi.REALM + "/components/" + before.get("id").asText(), null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(tabComponents()).isEmpty();
        assertThat(attributeSet("auth-api")).isTrue();

        String clientId = newClient("tab-created", false);
        try {
            // the console found none, so Save creates it
            Http.Reply created = AuthApi.admin("POST", AuthApi.REALM + "/components", saveBody(with(allowedBefore, clientId)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            JsonNode tab = openTab();
            assertThat(listed(tab)).containsAll(allowedBefore).contains(clientId);
            assertThat(tab.get("config").fieldNames()).toIterable().containsExactly(FIELD);
            assertThat(attributeSet(clientId)).isTrue();

            // a second create (two consoles open at once) leaves one component, with the latest list
            created = AuthApi.admin("POST", AuthApi.REALM + "/components", saveBody(allowedBefore));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(listed(openTab())).doesNotContain(clientId);
            assertThat(attributeSet(clientId)).isFalse();
        } finally {
            // whatever happened above, leave the realm as it was
            List<JsonNode> components = tabComponents();
            if (components.isEmpty()) {
                AuthApi.admin("POST", AuthApi.REALM + "/components", saveBody(allowedBefore));
            } else {
                save(components.get(0), without(listed(components.get(0)), clientId));
            }
        }
    }

    @Test
    void actionPageUrlsAreEditedInTheSameTabAndFollowTheAttribute() {
        String web = newClient("links-web", false);
        String mobile = newClient("links-mobile", false);
        JsonNode tab = openTab();
        List<String> allowed = listed(tab);

        Http.Reply saved = save(tab, allowed, web + "   https://app.example.com/auth/action\n");
        assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
        assertThat(actionUrlOf(web)).isEqualTo("https://app.example.com/auth/action");
        assertThat(listed(openTab())).as("the allowed list is untouched").isEqualTo(allowed);

        // a malformed line or an unsafe URL is refused with the line named, and nothing changes
        for (String bad : List.of(web, web + " javascript:alert(1)", web + " /relative")) {
            Http.Reply refused = save(openTab(), allowed, bad);
            assertThat(refused.status()).as(bad + " -> " + refused).isEqualTo(400);
            assertThat(refused.body()).contains(web);
        }
        assertThat(actionUrlOf(web)).isEqualTo("https://app.example.com/auth/action");

        // set elsewhere (admin REST API): the tab shows it
        updateClient(mobile, Map.of("attributes", Map.of(URL_ATTRIBUTE, "https://m.example.com/a")));
        // lines are sorted by client ID ("links-mobile-…" before "links-web-…")
        assertThat(openTab().path("config").path(URLS_FIELD).path(0).asText())
                .isEqualTo(mobile + " https://m.example.com/a\n" + web + " https://app.example.com/auth/action");

        // a line removed in the tab removes the attribute; links of that client go to Keycloak's pages again
        Http.Reply cleared = save(openTab(), allowed, mobile + " https://m.example.com/a");
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(204);
        assertThat(actionUrlOf(web)).isNull();
        assertThat(actionUrlOf(mobile)).isEqualTo("https://m.example.com/a");
        assertThat(save(openTab(), allowed, "").status()).isEqualTo(204);
        assertThat(actionUrlOf(mobile)).isNull();
    }
}
