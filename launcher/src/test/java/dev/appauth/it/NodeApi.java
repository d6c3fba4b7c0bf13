package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@link AuthApi}'s calls sent to one Keycloak node of the stack directly (its own port), as a load balancer would
 * send them: node 1 is where {@link AuthApi} goes, node 2 is the second node of a cluster stack. Tokens carry the
 * public URL as issuer whichever node issued them.
 */
public final class NodeApi {

    private final int node;

    private NodeApi(int node) {
        this.node = node;
    }

    /** The node with this 1-based index. */
    public static NodeApi node(int node) {
        return new NodeApi(node);
    }

    public int index() {
        return node;
    }

    public String realmUrl(String realm) {
        return AuthApi.stack().nodeUrl(node) + "/realms/" + realm;
    }

    public String url(String path) {
        return realmUrl(AuthApi.REALM) + "/auth/" + path;
    }

    public String oidc(String path) {
        return realmUrl(AuthApi.REALM) + "/protocol/openid-connect/" + path;
    }

    public Http.Reply post(String path, Object body, String... headers) {
        return Http.postJson(url(path), body, headers);
    }

    /** Registers a new user on this node (201 asserted). */
    public AuthApi.TestUser newUser() {
        String username = AuthApi.unique("user");
        String email = username + "@example.com";
        Http.Reply reply = post("register", Http.map("email", email, "password", AuthApi.STRONG_PASSWORD, "username", username));
        assertThat(reply.status()).as("register on node %d: %s", node, reply).isEqualTo(201);
        return new AuthApi.TestUser(email, username, AuthApi.STRONG_PASSWORD, reply.json());
    }

    public Http.Reply login(String login, String password) {
        return post("login", Http.map("email", login, "password", password));
    }

    public Http.Reply refresh(String refreshToken) {
        return post("refresh", Http.map("refresh_token", refreshToken));
    }

    public Http.Reply logout(String accessToken, String scope) {
        return post("logout", Http.map("scope", scope), "Authorization", Http.bearer(accessToken));
    }

    public Http.Reply me(String accessToken) {
        return Http.get(url("me"), "Authorization", Http.bearer(accessToken));
    }

    public Http.Reply patchMe(String accessToken, Object body) {
        return Http.send(Http.request(url("me")).header("Authorization", Http.bearer(accessToken))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Http.write(body), StandardCharsets.UTF_8)).build());
    }

    /** Keycloak's own userinfo endpoint on this node. */
    public Http.Reply userinfo(String accessToken) {
        return Http.get(oidc("userinfo"), "Authorization", Http.bearer(accessToken));
    }

    /** Keycloak's introspection on this node, as the app's backend client calls it. */
    public Http.Reply introspect(String token) {
        return Http.postForm(oidc("token/introspect"), Map.of("token", token),
                "Authorization", Http.basic("app-backend", AuthApi.clientSecret("app-backend")));
    }

    @Override
    public String toString() {
        return "node " + node;
    }
}
