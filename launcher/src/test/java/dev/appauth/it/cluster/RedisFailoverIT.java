package dev.appauth.it.cluster;

import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.appauth.it.AuthApi;
import dev.appauth.it.Http;
import dev.appauth.it.KeycloakStackExtension;
import dev.appauth.it.Mailbox;
import dev.appauth.it.NodeApi;
import dev.appauth.launcher.RedisSentinelService;

/**
 * The Redis master dies (SIGKILL) right after it recorded a spent refresh token, a logout and a used reset link;
 * the Sentinel promotes the replica. Requests that need Redis answer 503 until the providers of both nodes follow
 * the failover, then work again; nothing that was revoked before the crash is accepted afterwards, and the rate
 * limiter counts on the new master.
 */
@ExtendWith(KeycloakStackExtension.class)
class RedisFailoverIT {

    private static final NodeApi A = NodeApi.node(1);
    private static final NodeApi B = NodeApi.node(2);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
    private static final String NEW_PASSWORD = "pewter orchard beacon 72";
    private static String limitedRealm;

    @BeforeAll
    static void realmWithALowPerAccountLimit() {
        ClusterRun.requireCluster();
        limitedRealm = ClusterRun.realmWithLimits("failover-limits", "login.account=2/1m,register.account=off");
    }

    @AfterAll
    static void dropRealm() {
        if (limitedRealm != null) {
            AuthApi.admin("DELETE", limitedRealm, null);
        }
    }

    @Test
    void requestsNeedingRedisAnswer503DuringTheFailoverThenWorkAndNothingRevokedComesBack() throws Exception {
        RedisSentinelService redis = KeycloakStackExtension.stack().redisSentinel();
        assertThat(redis).as("the cluster stack runs Redis behind a Sentinel").isNotNull();

        // revoked just before the crash, each on one node
        AuthApi.TestUser spender = A.newUser();
        String spent = spender.refreshToken();
        Http.Reply rotated = A.refresh(spent);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String rotatedRefresh = rotated.json().at("/token/refresh_token").asText();
        AuthApi.TestUser leaver = B.newUser();
        assertThat(B.logout(leaver.accessToken(), "all").status()).isEqualTo(200);
        AuthApi.TestUser resetter = A.newUser();
        Mailbox.awaitMail(resetter.email(), 1);
        assertThat(A.post("forgot-password", map("email", resetter.email())).status()).isEqualTo(202);
        String resetToken = Mailbox.awaitMail(resetter.email(), 2).token();
        assertThat(B.post("reset-password", map("token", resetToken, "new_password", NEW_PASSWORD)).status()).isEqualTo(200);
        AuthApi.TestUser prober = A.newUser();

        int oldMaster = redis.killMaster();
        long killedAt = System.nanoTime();
        try {
            List<Integer> statuses = probeUntilRecovered(prober);
            long recoveredMillis = (System.nanoTime() - killedAt) / 1_000_000;
            int newMaster = redis.awaitFailover(oldMaster, RECOVERY_BOUND);
            assertThat(newMaster).isNotEqualTo(oldMaster);
            System.out.printf("RedisFailoverIT: refresh answered again %d ms after the master was killed; probe statuses %s%n",
                    recoveredMillis, statuses);

            for (NodeApi node : List.of(A, B)) {
                Http.Reply replay = node.refresh(spent);
                assertThat(replay.status()).as("spent refresh token on %s: %s", node, replay).isEqualTo(401);
                assertThat(node.me(leaver.accessToken()).status()).as("logged-out token on %s", node).isEqualTo(401);
                assertThat(node.userinfo(leaver.accessToken()).status()).as("logged-out token on %s", node).isEqualTo(401);
                assertThat(node.refresh(leaver.refreshToken()).status()).isEqualTo(401);
                Http.Reply reused = node.post("reset-password", map("token", resetToken, "new_password", NEW_PASSWORD + " 2"));
                assertThat(reused.status()).as("used reset link on %s: %s", node, reused).isEqualTo(400);
            }
            // the replays after the failover ended the spent token's family as well
            assertThat(B.refresh(rotatedRefresh).status()).isEqualTo(401);
            assertThat(A.login(resetter.email(), NEW_PASSWORD).status()).isEqualTo(200);

            // the limiter counts on the new master (it fails open when Redis is down, so a 429 shows it reaches Redis)
            String username = AuthApi.unique("limited");
            String email = username + "@example.com";
            assertThat(ClusterRun.register(A, limitedRealm, email, username).status()).isEqualTo(201);
            assertThat(limitedLogin(A, email).status()).isEqualTo(200);
            assertThat(limitedLogin(B, email).status()).isEqualTo(200);
            assertThat(limitedLogin(A, email).status()).isEqualTo(429);
            assertThat(limitedLogin(B, email).status()).isEqualTo(429);
        } finally {
            // the old master comes back empty as a replica of the new one: the stack is whole again for later tests
            redis.restart(oldMaster);
        }
        // and the store works on through the restarted replica joining
        AuthApi.TestUser after = B.newUser();
        assertThat(A.refresh(after.refreshToken()).status()).isEqualTo(200);
    }

    /**
     * Logs in and refreshes (the refresh needs the single-use store) on alternating nodes until three refreshes in a
     * row succeed (each node's client follows the Sentinel on its own, so one may be back a moment before the other);
     * every other answer must be a 503 in the API's shape, never a 500 and never a refusal.
     */
    private static List<Integer> probeUntilRecovered(AuthApi.TestUser prober) throws InterruptedException {
        List<Integer> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        int inARow = 0;
        for (int i = 0; inARow < 3; i++) {
            assertThat(System.nanoTime()).as("Redis requests work again within %s; so far %s", RECOVERY_BOUND, statuses)
                    .isLessThan(deadline);
            NodeApi node = i % 2 == 0 ? A : B;
            Http.Reply login = node.login(prober.email(), prober.password());
            assertThat(login.status()).as("login on %s (its limiter fails open): %s", node, login).isEqualTo(200);
            Http.Reply refresh = node.refresh(login.json().at("/token/refresh_token").asText());
            statuses.add(refresh.status());
            if (refresh.status() == 200) {
                inARow++;
            } else {
                inARow = 0;
                assertThat(refresh.status()).as("refresh on %s during the failover: %s", node, refresh).isEqualTo(503);
                assertThat(refresh.json().get("error").asText()).isEqualTo("temporarily_unavailable");
                Thread.sleep(100);
            }
        }
        return statuses;
    }

    private static Http.Reply limitedLogin(NodeApi node, String email) {
        return ClusterRun.login(node, limitedRealm, email);
    }
}
