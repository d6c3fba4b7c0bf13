package dev.appauth.keycloak.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.representations.RefreshToken;
import org.keycloak.util.JsonSerialization;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

/** The refresh-family rules without a server: one use per token, a replay ends the family, outages fail closed. */
class RefreshFamilyTest {

    /** Keycloak's single-use contract (atomic putIfAbsent, lifespans), kept in memory; the ITs run the real stores. */
    static final class MemoryStore implements SingleUseObjectProvider {
        final Map<String, Long> lifespans = new ConcurrentHashMap<>();
        volatile boolean down;

        @Override
        public boolean putIfAbsent(String key, long lifespanSeconds) {
            failIfDown();
            return lifespans.putIfAbsent(key, lifespanSeconds) == null;
        }

        @Override
        public Map<String, String> remove(String key) {
            failIfDown();
            return lifespans.remove(key) == null ? null : Map.of();
        }

        @Override
        public boolean contains(String key) {
            return lifespans.containsKey(key);
        }

        @Override
        public void put(String key, long lifespanSeconds, Map<String, String> notes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, String> get(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean replace(String key, Map<String, String> notes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }

        private void failIfDown() {
            if (down) {
                throw new IllegalStateException("store unreachable");
            }
        }
    }

    private final MemoryStore store = new MemoryStore();
    private final List<String> endedSessions = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> rotatedAtKeycloak = ConcurrentHashMap.newKeySet();
    private final RefreshFamily family = new RefreshFamily(store, t -> rotatedAtKeycloak.contains(t.getId()),
            t -> endedSessions.add(t.getSessionId()), 3600);

    /** A token as Keycloak reads it from its JSON form. */
    private static RefreshToken token(String id, String sessionId, Long exp) {
        Map<String, Object> claims = new java.util.HashMap<>();
        claims.put("jti", id);
        claims.put("sid", sessionId);
        claims.put("exp", exp);
        try {
            return JsonSerialization.readValue(JsonSerialization.writeValueAsString(claims), RefreshToken.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void firstUseProceedsAndIsRememberedAsLongAsTheTokenLives() {
        RefreshToken token = token("t1", "s1", (long) Time.currentTime() + 1800);
        family.spend(token);
        assertThat(store.lifespans).containsKey(RefreshFamily.spentKey(token));
        assertThat(store.lifespans.get(RefreshFamily.spentKey(token))).isBetween(1800L, 1801L);
        assertThat(endedSessions).isEmpty();
    }

    @Test
    void aReplayEndsTheWholeFamilyAndIsRefused() {
        RefreshToken token = token("t1", "s1", (long) Time.currentTime() + 1800);
        family.spend(token);
        assertThatThrownBy(() -> family.spend(token))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_GRANT));
        assertThat(endedSessions).containsExactly("s1");
    }

    @Test
    void ofRacingUsesExactlyOneProceeds() throws Exception {
        RefreshToken token = token("t1", "s1", (long) Time.currentTime() + 1800);
        int racers = 16;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger proceeded = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<?>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < racers; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    try {
                        family.spend(token);
                        proceeded.incrementAndGet();
                    } catch (AuthException refused) {
                        assertThat(refused.error()).isEqualTo(AuthError.INVALID_GRANT);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> run : runs) {
                run.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(proceeded).hasValue(1);
        assertThat(endedSessions).hasSize(racers - 1).containsOnly("s1");
    }

    @Test
    void anOutageStopsTheRequestWithoutEndingAnything() {
        store.down = true;
        RefreshToken token = token("t1", "s1", (long) Time.currentTime() + 1800);
        assertThatThrownBy(() -> family.spend(token)).isInstanceOf(IllegalStateException.class);
        assertThat(endedSessions).isEmpty();
    }

    @Test
    void unspendingLetsTheClientRetryAfterADependencyFailed() {
        RefreshToken token = token("t1", "s1", (long) Time.currentTime() + 1800);
        family.spend(token);
        family.unspend(token);
        family.spend(token);
        assertThat(endedSessions).isEmpty();
    }

    @Test
    void unspendingDuringAnOutageIsQuiet() {
        RefreshToken token = token("t1", "s1", (long) Time.currentTime() + 1800);
        family.spend(token);
        store.down = true;
        family.unspend(token);
        store.down = false;
        assertThatThrownBy(() -> family.spend(token)).isInstanceOf(AuthException.class);
    }

    @Test
    void aTokenRotatedAwayAtKeycloaksEndpointEndsTheFamilyToo() {
        RefreshToken fresh = token("t1", "s1", (long) Time.currentTime() + 1800);
        family.spend(fresh);
        assertThat(endedSessions).isEmpty();
        rotatedAtKeycloak.add("t2");
        assertThatThrownBy(() -> family.spend(token("t2", "s2", (long) Time.currentTime() + 1800)))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_GRANT));
        assertThat(endedSessions).containsExactly("s2");
    }

    @Test
    void lifespanFallsBackWithoutExpiryAndIsNeverBelowASecond() {
        assertThat(family.lifespan(token("t", "s", null))).isEqualTo(3600);
        assertThat(family.lifespan(token("t", "s", (long) Time.currentTime() - 100))).isEqualTo(1);
    }

    @Test
    void tokensWithoutIdAreNotTracked() {
        RefreshToken token = token(null, "s1", null);
        family.spend(token);
        family.spend(token);
        assertThat(store.lifespans).isEmpty();
        assertThat(endedSessions).isEmpty();
    }
}
