package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appauth.launcher.KeycloakStack;

/**
 * What the tests do to the running server: the /auth API, Keycloak's own OIDC endpoints for the
 * same tokens, and the admin REST API to look behind the curtain.
 */
public final class AuthApi {

    public static final String REALM = "app";
    public static final String STRONG_PASSWORD = "velvet tractor harbour 91";

    /** A user created through /auth/register, with the tokens it answered. */
    public record TestUser(String email, String username, String password, JsonNode registration) {
        public String accessToken() {
            return registration.at("/token/access_token").asText();
        }

        public String refreshToken() {
            return registration.at("/token/refresh_token").asText();
        }

        public String id() {
            return registration.at("/user/uuid").asText();
        }
    }

    private AuthApi() {
    }

    static KeycloakStack stack() {
        return KeycloakStackExtension.stack();
    }

    public static String url(String path) {
        return stack().realmUrl(REALM) + "/auth/" + path;
    }

    public static String oidc(String path) {
        return stack().realmUrl(REALM) + "/protocol/openid-connect/" + path;
    }

    public static Http.Reply post(String path, Object body, String... headers) {
        return Http.postJson(url(path), body, headers);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static TestUser newUser() {
        return newUser(STRONG_PASSWORD);
    }

    public static TestUser newUser(String password) {
        String username = unique("user");
        String email = username + "@example.com";
        Http.Reply reply = post("register", Http.map("email", email, "password", password, "username", username));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return new TestUser(email, username, password, reply.json());
    }

    public static Http.Reply login(String login, String password) {
        return post("login", Http.map("email", login, "password", password));
    }

    public static Http.Reply refresh(String refreshToken) {
        return post("refresh", Http.map("refresh_token", refreshToken));
    }

    public static Http.Reply userinfo(String accessToken) {
        return Http.get(oidc("userinfo"), "Authorization", Http.bearer(accessToken));
    }

    /** Keycloak's own token endpoint, refresh grant, for the same public client. */
    public static Http.Reply keycloakRefresh(String refreshToken) {
        return Http.postForm(oidc("token"), Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", "auth-api"));
    }

    /** Keycloak's introspection endpoint, called by the app's backend client. */
    public static JsonNode introspect(String token) {
        Http.Reply reply = Http.postForm(oidc("token/introspect"), Map.of("token", token),
                "Authorization", Http.basic("app-backend", clientSecret("app-backend")));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }

    // --- admin API ---------------------------------------------------------------------------

    public static String adminToken() {
        Http.Reply reply = Http.postForm(stack().realmUrl("master") + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli",
                "username", stack().adminUsername(), "password", stack().adminPassword()));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().get("access_token").asText();
    }

    public static Http.Reply admin(String method, String path, Object body) {
        return adminCall(method, "realms/" + path, body);
    }

    /** Any admin REST call, {@code path} relative to {base}/admin/. */
    public static Http.Reply adminCall(String method, String path, Object body) {
        return withBearer(method, stack().baseUrl() + "/admin/" + path, adminToken(), body);
    }

    /** A call with a Bearer token and, unless null, a JSON body. */
    private static Http.Reply withBearer(String method, String url, String accessToken, Object body) {
        HttpRequest.Builder b = Http.request(url).header("Authorization", Http.bearer(accessToken));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Http.write(body), StandardCharsets.UTF_8));
        }
        return Http.send(b.build());
    }

    public static JsonNode adminGet(String path) {
        Http.Reply reply = admin("GET", path, null);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }

    public static JsonNode user(String id) {
        return adminGet(REALM + "/users/" + id);
    }

    public static void updateUser(String id, Map<String, Object> changes) {
        JsonNode current = user(id);
        Map<String, Object> rep = Http.JSON.convertValue(current, Map.class);
        rep.putAll(changes);
        Http.Reply reply = admin("PUT", REALM + "/users/" + id, rep);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(204);
    }

    public static JsonNode userSessions(String id) {
        return adminGet(REALM + "/users/" + id + "/sessions");
    }

    public static String clientUuid(String clientId) {
        JsonNode clients = adminGet(REALM + "/clients?clientId=" + clientId);
        assertThat(clients).hasSize(1);
        return clients.get(0).get("id").asText();
    }

    public static String clientSecret(String clientId) {
        return adminGet(REALM + "/clients/" + clientUuid(clientId) + "/client-secret").get("value").asText();
    }

    /** Changes realm settings: only the fields given change (partial RealmRepresentation). */
    public static void updateRealm(Map<String, Object> changes) {
        Http.Reply reply = admin("PUT", REALM, changes);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(204);
    }

    public static JsonNode realm() {
        return adminGet(REALM);
    }

    /** Sets (or with null, clears) an attribute of a client. */
    public static void setClientAttribute(String clientId, String name, String value) {
        String path = REALM + "/clients/" + clientUuid(clientId);
        Map<String, Object> rep = Http.JSON.convertValue(adminGet(path), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = (Map<String, Object>) rep.computeIfAbsent("attributes", k -> new java.util.HashMap<>());
        attributes.put(name, value == null ? "" : value);
        Http.Reply reply = admin("PUT", path, rep);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(204);
    }

    /** The user's stored events of one type, newest first. */
    public static JsonNode events(String userId, String type) {
        return adminGet(REALM + "/events?user=" + userId + "&type=" + type);
    }

    /** The mail queue's counters, as the admin console's provider info shows them. */
    public static JsonNode mailQueueInfo() {
        Http.Reply reply = adminCall("GET", "serverinfo", null);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().at("/providers/app-auth-mail/providers/default/operationalInfo");
    }

    public static Http.Reply bearerGet(String path, String accessToken) {
        return Http.get(url(path), "Authorization", Http.bearer(accessToken));
    }

    public static Http.Reply bearerPost(String path, String accessToken, Object body) {
        return post(path, body, "Authorization", Http.bearer(accessToken));
    }

    /** Any method on an /auth endpoint, with a Bearer token and, unless null, a JSON body. */
    public static Http.Reply send(String method, String path, String accessToken, Object body) {
        return withBearer(method, url(path), accessToken, body);
    }
}
