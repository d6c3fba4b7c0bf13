package dev.appauth.it.cluster;

import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.appauth.it.AuthApi;
import dev.appauth.it.Http;
import dev.appauth.it.KeycloakStackExtension;
import dev.appauth.it.NodeApi;

/**
 * Node A dies (SIGKILL: no graceful leave, nothing handed over) while node B is serving: B keeps serving every
 * session, those A started included, without a single 5xx; A started again rejoins the cluster and serves them too.
 * Keycloak 26 keeps user sessions in the database (persistent user sessions), so no session lives only in A's memory.
 */
@ExtendWith(KeycloakStackExtension.class)
class NodeFailureIT {

    private static final NodeApi A = NodeApi.node(1);
    private static final NodeApi B = NodeApi.node(2);
    private static final Duration LOAD_AFTER_KILL = Duration.ofSeconds(60);

    /** One session and its newest tokens; {@code origin} is the node that started it. */
    private static final class Session {
        final AuthApi.TestUser user;
        final NodeApi origin;
        String access;
        String refresh;

        Session(AuthApi.TestUser user, NodeApi origin, Http.Reply tokens) {
            this.user = user;
            this.origin = origin;
            take(tokens);
        }

        void take(Http.Reply tokens) {
            assertThat(tokens.status()).as("%s: %s", this, tokens).isIn(200, 201);
            access = tokens.json().at("/token/access_token").asText();
            refresh = tokens.json().at("/token/refresh_token").asText();
        }

        @Override
        public String toString() {
            return "session of " + user.username() + " started on " + origin;
        }
    }

    @BeforeAll
    static void cluster() {
        ClusterRun.requireCluster();
    }

    @Test
    void bServesEverySessionWhenAIsKilledAndARejoinsWhenStartedAgain() throws Exception {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AuthApi.TestUser onA = A.newUser();
            Session registered = new Session(onA, A, A.refresh(onA.refreshToken()));
            sessions.add(registered);
            sessions.add(new Session(onA, B, B.login(onA.email(), onA.password())));
            AuthApi.TestUser onB = B.newUser();
            sessions.add(new Session(onB, B, B.refresh(onB.refreshToken())));
            sessions.add(new Session(onB, A, A.login(onB.email(), onB.password())));
        }

        // requests keep arriving at B while A dies; every answer must be a success
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Integer> answered = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (!stop.get()) {
                Session s = sessions.get(i++ % sessions.size());
                try {
                    for (Http.Reply r : List.of(B.me(s.access), B.userinfo(s.access))) {
                        answered.add(r.status());
                        if (r.status() != 200) {
                            failures.add(s + ": " + r);
                        }
                    }
                } catch (RuntimeException e) {
                    answered.add(-1);
                    failures.add(s + ": " + e);
                }
            }
        });
        boolean killed = false;
        try {
            awaitAnswers(answered, 10);
            KeycloakStackExtension.stack().killNode(1);
            killed = true;
            assertThat(KeycloakStackExtension.stack().nodeAlive(1)).isFalse();
            int atKill = answered.size();
            awaitAnswers(answered, atKill + 4 * sessions.size());
            stop.set(true);
            load.join();
            assertThat(failures).as("answers of B while A died (%d requests)", answered.size()).isEmpty();
            System.out.printf("NodeFailureIT: B answered %d requests for %d sessions, %d of them after A was killed, all 200%n",
                    answered.size(), sessions.size(), answered.size() - atKill);

            // every session, wherever it started, is refreshed and used on B
            for (Session s : sessions) {
                s.take(B.refresh(s.refresh));
                assertThat(B.userinfo(s.access).status()).as("userinfo on B, %s", s).isEqualTo(200);
                assertThat(B.me(s.access).status()).as("me on B, %s", s).isEqualTo(200);
            }
            AuthApi.TestUser duringOutage = B.newUser();
            assertThat(B.login(duringOutage.email(), duringOutage.password()).status()).isEqualTo(200);
        } finally {
            stop.set(true);
            if (killed) {
                KeycloakStackExtension.stack().startNode(1);
            }
        }

        // A is back: it serves the sessions B rotated while it was down ...
        for (Session s : sessions) {
            s.take(A.refresh(s.refresh));
            assertThat(A.me(s.access).status()).as("me on A, %s", s).isEqualTo(200);
        }
        // ... and it is in the cluster again: a change made on B reaches the user cache of A at once
        Session any = sessions.get(0);
        assertThat(A.me(any.access).json().get("first_name").isNull()).isTrue();
        assertThat(B.patchMe(any.access, map("first_name", "Rejoined")).status()).isEqualTo(200);
        assertThat(A.me(any.access).json().get("first_name").asText()).isEqualTo("Rejoined");
        // and a logout on A is refused on B at once
        assertThat(A.logout(any.access, "all").status()).isEqualTo(200);
        assertThat(B.me(any.access).status()).isEqualTo(401);
    }

    /** Waits (bounded) until the load has had {@code count} answers. */
    private static void awaitAnswers(List<Integer> answered, int count) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_AFTER_KILL.toNanos();
        while (answered.size() < count) {
            assertThat(System.nanoTime()).as("%d answers of B within %s", count, LOAD_AFTER_KILL).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
