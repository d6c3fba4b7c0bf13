package dev.appauth.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.ObjLongConsumer;

import dev.appauth.keycloak.ratelimit.RedisRateLimitProvider;
import dev.appauth.keycloak.redis.EmbeddedRedis;
import dev.appauth.keycloak.redis.RedisAvailability;
import dev.appauth.keycloak.redis.RedisClients;
import dev.appauth.keycloak.store.RedisSingleUseObjectProvider;
import dev.appauth.keycloak.store.RedisSingleUseStore;
import dev.appauth.keycloak.store.RevokedTokenDatabase;
import redis.clients.jedis.UnifiedJedis;

/**
 * Latency of the single-use-object operations (and a rate-limit hit) on a loopback embedded Redis, one thread,
 * as a Keycloak request sees them. Not a test: run it by hand and read the numbers; nothing fails on them.
 * <pre>
 * mvn -q -pl providers test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * java -cp providers/target/test-classes:providers/target/classes:$(cat providers/target/cp.txt) dev.appauth.bench.RedisSingleUseStoreBench
 * </pre>
 */
public final class RedisSingleUseStoreBench {

    private static final int WARMUP = 5_000;
    private static final int OPS = 10_000;
    private static final Map<String, String> NOTES = Map.of(
            "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "redirect_uri", "https://app.example.com/callback",
            "user_session", "5b1f1a9e-6a4c-4b43-9e0e-3f0c5e1d2a77");

    private RedisSingleUseStoreBench() {
    }

    public static void main(String[] args) {
        try (EmbeddedRedis redis = EmbeddedRedis.start();
                UnifiedJedis client = RedisClients.openVerified(redis.config("bench:"), "bench", "--bench--")) {
            RedisAvailability availability = new RedisAvailability("bench", redis.url());
            RedisSingleUseStore store = new RedisSingleUseStore(client, "bench:", availability);
            RevokedTokenDatabase noRevocations = new RevokedTokenDatabase() {
                @Override
                public void revoke(String tokenId, long lifespanSeconds) {
                }

                @Override
                public void forEachActive(ObjLongConsumer<String> action) {
                }
            };
            RedisRateLimitProvider limiter = new RedisRateLimitProvider(client, "bench:", availability, false);

            System.out.printf(Locale.ROOT, "Redis single-use store on loopback, %d ops per row after %d warm-up, one thread%n", OPS, WARMUP);
            System.out.printf(Locale.ROOT, "%-34s %9s %9s %9s %9s%n", "operation", "p50 µs", "p99 µs", "p99.9 µs", "mean µs");

            String run = Long.toString(System.nanoTime());
            row("put (+ transaction commit)", i -> {
                RedisSingleUseObjectProvider provider = session(store, noRevocations);
                provider.put("code-" + run + "-" + i, 60, NOTES);
                provider.transaction().commit();
            });
            RedisSingleUseObjectProvider provider = session(store, noRevocations);
            row("get (hit)", i -> provider.get("code-" + run + "-" + (i % OPS)));
            row("contains (hit)", i -> provider.contains("code-" + run + "-" + (i % OPS)));
            row("contains .revoked (miss + marker)", i -> provider.contains("jti-" + run + "-" + i + ".revoked"));
            row("remove (GETDEL, hit)", i -> provider.remove("code-" + run + "-" + i));
            row("putIfAbsent", i -> provider.putIfAbsent("lock-" + run + "-" + i, 60));
            row("replace (hit)", i -> provider.replace("lock-" + run + "-" + (i % OPS), NOTES));
            row("rate limit hit (Lua)", i -> limiter.hit("login:ip:" + (i % 100), 1_000_000, Duration.ofMinutes(1)));
            System.out.printf(Locale.ROOT, "Redis failures during the run: %d%n", availability.failures());
        }
    }

    private static RedisSingleUseObjectProvider session(RedisSingleUseStore store, RevokedTokenDatabase database) {
        RedisSingleUseObjectProvider provider = new RedisSingleUseObjectProvider(store, database);
        provider.transaction().begin();
        return provider;
    }

    /** Warm-up uses indexes above the measured range, so measured keys are fresh where freshness matters. */
    private static void row(String name, IntConsumer op) {
        for (int i = 0; i < WARMUP; i++) {
            op.accept(OPS + 1_000_000 + i);
        }
        long[] nanos = new long[OPS];
        for (int i = 0; i < OPS; i++) {
            long start = System.nanoTime();
            op.accept(i);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElse(0);
        System.out.printf(Locale.ROOT, "%-34s %9.1f %9.1f %9.1f %9.1f%n", name,
                nanos[OPS / 2] / 1000.0, nanos[(int) (OPS * 0.99)] / 1000.0, nanos[(int) (OPS * 0.999)] / 1000.0, mean / 1000.0);
    }
}
