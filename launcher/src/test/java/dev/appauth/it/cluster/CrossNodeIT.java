package dev.appauth.it.cluster;

import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appauth.it.AuthApi;
import dev.appauth.it.Http;
import dev.appauth.it.KeycloakStackExtension;
import dev.appauth.it.Mailbox;
import dev.appauth.it.NodeApi;

/**
 * Two Keycloak nodes, one system: whatever one node did, the other one knows at once. Node A and node B are the
 * two nodes of the cluster stack, reached each on its own port as a load balancer would send requests.
 */
@ExtendWith(KeycloakStackExtension.class)
class CrossNodeIT {

    static final NodeApi A = NodeApi.node(1);
    static final NodeApi B = NodeApi.node(2);
    private static final String NEW_PASSWORD = "saffron glacier ladder 63";
    private static String limitedRealm;

    @BeforeAll
    static void realmWithALowPerAccountLimit() {
        ClusterRun.requireCluster();
        limitedRealm = ClusterRun.realmWithLimits("cluster-limits", "login.account=3/1m,register.account=off");
    }

    @AfterAll
    static void dropRealm() {
        if (limitedRealm != null) {
            AuthApi.admin("DELETE", limitedRealm, null);
        }
    }

    private static String access(Http.Reply tokens) {
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return tokens.json().at("/token/access_token").asText();
    }

    private static String refreshToken(Http.Reply tokens) {
        assertThat(tokens.status()).as(tokens.toString()).isIn(200, 201);
        return tokens.json().at("/token/refresh_token").asText();
    }

    private static void assertInvalidGrant(Http.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void theNodesShareOneCacheClusterAUserChangedOnBIsSeenOnAAtOnce() {
        AuthApi.TestUser user = A.newUser();
        // A reads the user once, so its user cache holds the old name; only a cluster invalidation can correct it
        assertThat(A.me(user.accessToken()).json().get("first_name").isNull()).isTrue();
        Http.Reply patched = B.patchMe(user.accessToken(), map("first_name", "Bea"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        Http.Reply onA = A.me(user.accessToken());
        assertThat(onA.status()).as(onA.toString()).isEqualTo(200);
        assertThat(onA.json().get("first_name").asText()).isEqualTo("Bea");
    }

    @Test
    void registeredOnALogsInOnBAndTheTokensWorkOnBoth() {
        AuthApi.TestUser user = A.newUser();
        Http.Reply login = B.login(user.email(), user.password());
        String accessFromB = access(login);
        for (NodeApi node : List.of(A, B)) {
            for (String token : List.of(user.accessToken(), accessFromB)) {
                assertThat(node.userinfo(token).status()).as("userinfo on %s", node).isEqualTo(200);
                Http.Reply me = node.me(token);
                assertThat(me.status()).as("me on %s: %s", node, me).isEqualTo(200);
                assertThat(me.json().get("email").asText()).isEqualTo(user.email());
            }
        }
        assertThat(B.login(user.email(), "not the password 1").status()).isEqualTo(401);
    }

    @Test
    void aRefreshTokenSpentOnAAndReplayedOnBEndsTheFamilyOnBothNodes() {
        AuthApi.TestUser user = A.newUser();
        String first = user.refreshToken();
        Http.Reply rotated = A.refresh(first);
        String second = refreshToken(rotated);
        String access = access(rotated);

        assertInvalidGrant(B.refresh(first));

        // the replay ended the session: its newest refresh token and its access token are dead on both nodes
        assertInvalidGrant(A.refresh(second));
        assertInvalidGrant(B.refresh(second));
        for (NodeApi node : List.of(A, B)) {
            assertThat(node.userinfo(access).status()).as("userinfo on %s", node).isEqualTo(401);
            assertThat(node.me(access).status()).as("me on %s", node).isEqualTo(401);
        }
        // the account itself is fine: a new login on either node starts a new family
        assertThat(B.login(user.email(), user.password()).status()).isEqualTo(200);
    }

    @Test
    void logoutOfAllSessionsOnAIsRefusedOnBAtOnce() {
        AuthApi.TestUser user = A.newUser();
        Http.Reply onB = B.login(user.email(), user.password());
        String accessB = access(onB);
        String refreshB = refreshToken(onB);
        // both sessions work on B before the logout
        assertThat(B.me(user.accessToken()).status()).isEqualTo(200);
        assertThat(B.userinfo(accessB).status()).isEqualTo(200);

        Http.Reply logout = A.logout(user.accessToken(), "all");
        assertThat(logout.status()).as(logout.toString()).isEqualTo(200);

        // no waiting: the very next request on the other node is refused
        for (String token : List.of(user.accessToken(), accessB)) {
            Http.Reply userinfo = B.userinfo(token);
            assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(401);
            Http.Reply me = B.me(token);
            assertThat(me.status()).as(me.toString()).isEqualTo(401);
            assertThat(A.me(token).status()).isEqualTo(401);
        }
        JsonNode introspected = B.introspect(accessB).json();
        assertThat(introspected.get("active").asBoolean()).isFalse();
        assertInvalidGrant(B.refresh(refreshB));
        assertInvalidGrant(A.refresh(user.refreshToken()));
    }

    @Test
    void aResetLinkMailedByAWorksOnceOnBAndIsRefusedWhenReusedOnA() {
        AuthApi.TestUser user = A.newUser();
        Mailbox.awaitMail(user.email(), 1); // the verification mail
        Http.Reply forgot = A.post("forgot-password", map("email", user.email()));
        assertThat(forgot.status()).as(forgot.toString()).isEqualTo(202);
        Mailbox.Mail mail = Mailbox.awaitMail(user.email(), 2);
        assertThat(mail.subject()).isEqualTo("Reset your password");

        Http.Reply reset = B.post("reset-password", map("token", mail.token(), "new_password", NEW_PASSWORD));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);

        Http.Reply reused = A.post("reset-password", map("token", mail.token(), "new_password", NEW_PASSWORD + " again"));
        assertThat(reused.status()).as(reused.toString()).isEqualTo(400);
        assertThat(reused.json().get("error").asText()).isEqualTo("invalid_token");
        assertThat(B.post("reset-password", map("token", mail.token(), "new_password", NEW_PASSWORD + " b")).status())
                .isEqualTo(400);
        // the reset on B ended the sessions A had issued, and only the new password works, on both nodes
        assertInvalidGrant(A.refresh(user.refreshToken()));
        assertThat(A.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
        assertThat(A.login(user.email(), user.password()).status()).isEqualTo(401);
        assertThat(B.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void thePerAccountLoginLimitCountsTheAttemptsOfBothNodes() {
        String username = AuthApi.unique("limited");
        String email = username + "@example.com";
        Http.Reply registered = register(A, email, username);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);

        // login.account=3/1m: A, B, A are the three allowed attempts; the fourth is refused on either node
        NodeApi[] order = {A, B, A};
        for (NodeApi node : order) {
            Http.Reply ok = login(node, email);
            assertThat(ok.status()).as("attempt on %s: %s", node, ok).isEqualTo(200);
        }
        for (NodeApi node : List.of(B, A)) {
            Http.Reply limited = login(node, email);
            assertThat(limited.status()).as("over the limit on %s: %s", node, limited).isEqualTo(429);
            assertThat(limited.json().get("error").asText()).isEqualTo("rate_limited");
            assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
        }
        // another account is not affected
        String other = AuthApi.unique("limited");
        assertThat(register(B, other + "@example.com", other).status()).isEqualTo(201);
        assertThat(login(B, other + "@example.com").status()).isEqualTo(200);
    }

    private static Http.Reply register(NodeApi node, String email, String username) {
        return ClusterRun.register(node, limitedRealm, email, username);
    }

    private static Http.Reply login(NodeApi node, String email) {
        return ClusterRun.login(node, limitedRealm, email);
    }
}
