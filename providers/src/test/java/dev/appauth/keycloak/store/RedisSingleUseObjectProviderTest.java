package dev.appauth.keycloak.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.models.ModelException;
import org.keycloak.models.SingleUseObjectProvider;

import dev.appauth.keycloak.redis.EmbeddedRedis;
import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisClients;
import dev.appauth.keycloak.redis.RedisConfig;
import redis.clients.jedis.UnifiedJedis;

/** The SingleUseObjectProvider contract, method by method, against a real Redis. */
class RedisSingleUseObjectProviderTest {

    private static final String PREFIX = "test:";

    private static EmbeddedRedis redis;
    private static UnifiedJedis raw;

    private UnifiedJedis client;
    private RedisSingleUseStore store;
    private InMemoryRevokedTokenDatabase database;

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.start();
        raw = redis.rawClient();
    }

    @AfterAll
    static void stopRedis() {
        raw.close();
        redis.close();
    }

    @BeforeEach
    void connect() {
        raw.flushAll();
        RedisConfig config = redis.config(PREFIX);
        client = RedisClients.openVerified(config, "test", "--test--");
        store = new RedisSingleUseStore(client, config.keyPrefix(), new RedisAvailability("test", config.describeTarget()));
        database = new InMemoryRevokedTokenDatabase();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private RedisSingleUseObjectProvider session() {
        RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, database);
        provider.transaction().begin();
        return provider;
    }

    private RedisSingleUseObjectProvider committedPut(String key, long lifespan, Map<String, String> notes) {
        RedisSingleUseObjectProvider provider = session();
        provider.put(key, lifespan, notes);
        provider.transaction().commit();
        return provider;
    }

    // put

    @Test
    void putIsWrittenWhenTheTransactionCommitsAndSeenByItsOwnSessionBefore() {
        RedisSingleUseObjectProvider writer = session();
        writer.put("code-1", 60, Map.of("user", "u1"));

        assertThat(writer.get("code-1")).isEqualTo(Map.of("user", "u1"));
        assertThat(session().get("code-1")).isNull();
        assertThat(raw.exists(PREFIX + "suo:code-1")).isFalse();

        writer.transaction().commit();

        assertThat(session().get("code-1")).isEqualTo(Map.of("user", "u1"));
    }

    @Test
    void putIsDroppedWhenTheTransactionRollsBack() {
        RedisSingleUseObjectProvider writer = session();
        writer.put("code-2", 60, Map.of("a", "b"));
        writer.transaction().rollback();

        assertThat(session().contains("code-2")).isFalse();
    }

    @Test
    void putOverwritesAndSetsTheNewLifespan() {
        committedPut("k", 60, Map.of("v", "1"));
        committedPut("k", 300, Map.of("v", "2"));

        assertThat(session().get("k")).isEqualTo(Map.of("v", "2"));
        assertThat(raw.ttl(PREFIX + "suo:k")).isBetween(295L, 300L);
    }

    @Test
    void putRejectsNullKeyAndNonPositiveLifespan() {
        RedisSingleUseObjectProvider provider = session();
        assertThatThrownBy(() -> provider.put(null, 60, Map.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> provider.put("k", 0, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.put("k", -5, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.putIfAbsent("k", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> provider.remove(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> provider.contains(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> provider.replace(null, Map.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> provider.putIfAbsent(null, 10)).isInstanceOf(NullPointerException.class);
    }

    // get and notes

    @Test
    void notesRoundTripExactly() {
        Map<String, String> notes = new HashMap<>();
        notes.put("plain", "value");
        notes.put("unicode", "Grüße, 世界 \uD83D\uDD11");
        notes.put("json-ish", "{\"a\":[1,2]} \\ \" \n\t");
        notes.put("empty", "");
        notes.put("with.dots and spaces", "x");
        committedPut("notes", 60, notes);

        Map<String, String> read = session().get("notes");
        assertThat(read).isEqualTo(notes);
        assertThatThrownBy(() -> read.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyAndNullNotesReadBackAsAnEmptyMapAndNullValuesAreDropped() {
        committedPut("empty", 60, Map.of());
        committedPut("null", 60, null);
        Map<String, String> withNull = new HashMap<>();
        withNull.put("kept", "1");
        withNull.put("dropped", null);
        committedPut("with-null", 60, withNull);

        assertThat(session().get("empty")).isEmpty();
        assertThat(session().get("null")).isEmpty();
        assertThat(session().get("with-null")).isEqualTo(Map.of("kept", "1"));
    }

    @Test
    void getOfAMissingKeyIsNull() {
        assertThat(session().get("nothing-here")).isNull();
    }

    // remove

    @Test
    void removeReturnsTheNotesOnceAndThenNull() {
        committedPut("single", 60, Map.of("n", "1"));
        RedisSingleUseObjectProvider provider = session();

        assertThat(provider.remove("single")).isEqualTo(Map.of("n", "1"));
        assertThat(provider.remove("single")).isNull();
        assertThat(provider.contains("single")).isFalse();
        assertThat(provider.get("single")).isNull();
    }

    @Test
    void removeOfAMissingKeyIsNull() {
        assertThat(session().remove("never-put")).isNull();
    }

    // replace

    @Test
    void replaceChangesTheNotesOfAnExistingKeyAndKeepsItsLifespan() throws InterruptedException {
        committedPut("device", 100, Map.of("state", "pending"));
        Thread.sleep(1100);

        assertThat(session().replace("device", Map.of("state", "approved"))).isTrue();

        assertThat(session().get("device")).isEqualTo(Map.of("state", "approved"));
        assertThat(raw.ttl(PREFIX + "suo:device")).isBetween(95L, 99L);
    }

    @Test
    void replaceOfAMissingKeyIsFalseAndCreatesNothing() {
        assertThat(session().replace("missing", Map.of("a", "b"))).isFalse();
        assertThat(session().contains("missing")).isFalse();
        assertThat(raw.exists(PREFIX + "suo:missing")).isFalse();
    }

    // putIfAbsent

    @Test
    void putIfAbsentSucceedsOnceAndStoresNoNotes() {
        RedisSingleUseObjectProvider provider = session();

        assertThat(provider.putIfAbsent("lock", 60)).isTrue();
        assertThat(provider.putIfAbsent("lock", 60)).isFalse();
        assertThat(provider.get("lock")).isEmpty();
        assertThat(raw.ttl(PREFIX + "suo:lock")).isBetween(55L, 60L);
    }

    @Test
    void putIfAbsentFailsForAKeyThatWasPut() {
        committedPut("taken", 60, Map.of("x", "y"));
        assertThat(session().putIfAbsent("taken", 60)).isFalse();
        assertThat(session().get("taken")).isEqualTo(Map.of("x", "y"));
    }

    @Test
    void putIfAbsentSucceedsAgainAfterRemove() {
        RedisSingleUseObjectProvider provider = session();
        assertThat(provider.putIfAbsent("relock", 60)).isTrue();
        assertThat(provider.remove("relock")).isEmpty();
        assertThat(provider.putIfAbsent("relock", 60)).isTrue();
    }

    // contains

    @Test
    void containsFollowsTheLifecycle() {
        RedisSingleUseObjectProvider provider = session();
        assertThat(provider.contains("c")).isFalse();
        committedPut("c", 60, Map.of());
        assertThat(provider.contains("c")).isTrue();
        provider.remove("c");
        assertThat(provider.contains("c")).isFalse();
    }

    // lifespans

    @Test
    void entriesExpireAfterTheirLifespan() throws InterruptedException {
        committedPut("short", 1, Map.of("a", "b"));
        RedisSingleUseObjectProvider provider = session();
        provider.putIfAbsent("short-lock", 1);
        assertThat(provider.contains("short")).isTrue();
        assertThat(provider.contains("short-lock")).isTrue();

        waitUntilGone("short");
        waitUntilGone("short-lock");

        assertThat(provider.get("short")).isNull();
        assertThat(provider.remove("short")).isNull();
        assertThat(provider.replace("short", Map.of())).isFalse();
        assertThat(provider.putIfAbsent("short-lock", 60)).isTrue();
    }

    @Test
    void everyKeyCarriesThePrefixAndATtl() {
        committedPut("put-key", 60, Map.of("a", "b"));
        session().putIfAbsent("pia-key", 120);
        committedPut("rep-key", 90, Map.of());
        session().replace("rep-key", Map.of("c", "d"));
        session().putIfAbsent("jti-1" + SingleUseObjectProvider.REVOKED_KEY, 30);

        Set<String> keys = raw.keys("*");
        assertThat(keys).contains(PREFIX + "suo:put-key", PREFIX + "suo:pia-key", PREFIX + "suo:rep-key",
                PREFIX + "suo:jti-1.revoked");
        assertThat(keys).allMatch(key -> key.startsWith(PREFIX));
        for (String key : keys) {
            if (key.startsWith(PREFIX + "suo:")) {
                assertThat(raw.ttl(key)).as("TTL of %s", key).isPositive();
            }
        }
        assertThat(raw.get(PREFIX + "suo:put-key")).isEqualTo("{\"a\":\"b\"}");
    }

    // revoked tokens

    @Test
    void revokedTokensAreRecordedInTheDatabaseToo() {
        RedisSingleUseObjectProvider provider = session();

        assertThat(provider.putIfAbsent("jti-a.revoked", 300)).isTrue();
        assertThat(provider.putIfAbsent("jti-a.revoked", 300)).isFalse();
        provider.put("jti-b.revoked", 300, Map.of());
        provider.transaction().commit();

        assertThat(database.expiries).containsOnlyKeys("jti-a", "jti-b");
        assertThat(session().contains("jti-a.revoked")).isTrue();
        assertThat(session().contains("jti-b.revoked")).isTrue();
        assertThat(session().contains("jti-c.revoked")).isFalse();
    }

    @Test
    void revokedKeysCanOnlyBePutAndChecked() {
        RedisSingleUseObjectProvider provider = session();
        provider.putIfAbsent("jti.revoked", 60);

        assertThatThrownBy(() -> provider.put("jti2.revoked", 60, Map.of("a", "b"))).isInstanceOf(ModelException.class);
        assertThatThrownBy(() -> provider.get("jti.revoked")).isInstanceOf(ModelException.class);
        assertThatThrownBy(() -> provider.remove("jti.revoked")).isInstanceOf(ModelException.class);
        assertThatThrownBy(() -> provider.replace("jti.revoked", Map.of())).isInstanceOf(ModelException.class);
        assertThat(provider.contains("jti.revoked")).isTrue();
    }

    @Test
    void aTokenRevokedBeforeRedisLostItsDataStaysRevoked() {
        RedisSingleUseObjectProvider before = session();
        before.putIfAbsent("access-jti.revoked", 300);
        before.putIfAbsent("action-token-key.revoked", 300);
        assertThat(raw.exists(PREFIX + "{revoked-preload}:done")).isTrue();

        raw.flushAll();

        RedisSingleUseObjectProvider after = session();
        assertThat(after.contains("access-jti.revoked")).isTrue();
        // an action token used before the flush cannot be used again after it
        assertThat(after.putIfAbsent("action-token-key.revoked", 300)).isFalse();
        assertThat(after.contains("never-revoked.revoked")).isFalse();
        assertThat(raw.ttl(PREFIX + "suo:access-jti.revoked")).isBetween(290L, 300L);
        assertThat(raw.exists(PREFIX + "{revoked-preload}:done")).isTrue();
        // two loads: the first use on the empty Redis, and once after the flush; misses afterwards ask Redis only
        assertThat(database.fullReads).hasValue(2);
    }

    @Test
    void expiredRevocationsAreNotLoadedBack() {
        database.expiries.put("long-gone", System.currentTimeMillis() / 1000 - 10);
        assertThat(session().contains("long-gone.revoked")).isFalse();
        assertThat(raw.exists(PREFIX + "suo:long-gone.revoked")).isFalse();
    }

    @Test
    void withoutPersistenceRevokedKeysAreOrdinaryKeys() {
        RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, null);
        provider.transaction().begin();

        assertThat(provider.putIfAbsent("plain.revoked", 60)).isTrue();
        assertThat(provider.get("plain.revoked")).isEmpty();
        assertThat(provider.remove("plain.revoked")).isEmpty();
        assertThat(database.expiries).isEmpty();
    }

    @Test
    void readsTheEvictionPolicySoThatStartupCanWarnAboutIt() {
        assertThat(RedisClients.evictionPolicy(client)).contains("noeviction");
        raw.configSet("maxmemory-policy", "volatile-lru");
        try {
            assertThat(RedisClients.evictionPolicy(client)).contains("volatile-lru");
        } finally {
            raw.configSet("maxmemory-policy", "noeviction");
        }
    }

    private void waitUntilGone(String key) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (raw.exists(PREFIX + "suo:" + key)) {
            assertThat(System.currentTimeMillis()).as("%s still present after its lifespan", key).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
