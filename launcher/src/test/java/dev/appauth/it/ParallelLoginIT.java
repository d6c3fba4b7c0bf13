package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A user on several devices at once: parallel correct logins all succeed (Keycloak's brute-force detector runs
 * with allowConcurrentRequests), parallel refreshes of one token let exactly one through, and repeated wrong
 * passwords still lock the account.
 */
@ExtendWith(KeycloakStackExtension.class)
class ParallelLoginIT {

    private static final int PARALLEL = 8;

    @Test
    void parallelCorrectLoginsOfOneUserAllSucceed() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        List<Http.Reply> replies = inParallel(() -> AuthApi.login(user.email(), user.password()));
        assertThat(replies).allSatisfy(reply -> assertThat(reply.status()).as(reply.toString()).isEqualTo(200));
        assertThat(AuthApi.userSessions(user.id())).hasSizeGreaterThanOrEqualTo(PARALLEL);
    }

    @Test
    void parallelRefreshesOfOneTokenLetExactlyOneThroughAndEndTheFamily() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        List<Http.Reply> replies = inParallel(() -> AuthApi.refresh(user.refreshToken()));
        assertThat(replies).allSatisfy(reply -> assertThat(reply.status()).as(reply.toString()).isIn(200, 401));
        List<Http.Reply> ok = replies.stream().filter(r -> r.status() == 200).toList();
        assertThat(ok).hasSize(1);
        // the replays ended the family: the one new token is dead too
        assertThat(AuthApi.refresh(ok.get(0).json().at("/token/refresh_token").asText()).status()).isEqualTo(401);
        assertThat(AuthApi.userSessions(user.id())).isEmpty();
    }

    @Test
    void wrongPasswordsStillLockTheAccount() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        int failureFactor = AuthApi.realm().get("failureFactor").asInt();
        for (int i = 0; i < failureFactor; i++) {
            assertThat(AuthApi.login(user.email(), "wrong " + i).status()).isEqualTo(401);
        }
        // failures are recorded off the request thread when concurrent requests are allowed: wait for them
        long deadline = System.currentTimeMillis() + 10_000;
        while (AuthApi.adminGet(AuthApi.REALM + "/attack-detection/brute-force/users/" + user.id()).path("numFailures").asInt()
                < failureFactor && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Http.Reply locked = AuthApi.login(user.email(), user.password());
        assertThat(locked.status()).as(locked.toString()).isEqualTo(401);
        assertThat(locked.json().get("error").asText()).isEqualTo("invalid_credentials");
        AuthApi.admin("DELETE", AuthApi.REALM + "/attack-detection/brute-force/users/" + user.id(), null);
        assertThat(AuthApi.login(user.email(), user.password()).status()).isEqualTo(200);
    }

    private static List<Http.Reply> inParallel(java.util.concurrent.Callable<Http.Reply> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Http.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Http.Reply> replies = new ArrayList<>();
            for (Future<Http.Reply> future : futures) {
                replies.add(future.get(120, TimeUnit.SECONDS));
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }
}
