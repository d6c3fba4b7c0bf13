package dev.appauth.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** What every {@link RateLimitProvider} must do; one subclass per provider. */
abstract class RateLimitProviderContractTest {

    /** A provider with no buckets yet. */
    protected abstract RateLimitProvider provider();

    private static String bucket() {
        return "login:account:" + UUID.randomUUID();
    }

    @Test
    void allowsLimitHitsAndDeniesTheNextWithRetryAfter() {
        String bucket = bucket();
        for (int i = 1; i <= 5; i++) {
            assertThat(provider().hit(bucket, 5, Duration.ofSeconds(30)).allowed()).as("hit %d", i).isTrue();
        }
        RateLimitDecision sixth = provider().hit(bucket, 5, Duration.ofSeconds(30));

        assertThat(sixth.allowed()).isFalse();
        assertThat(sixth.retryAfterSeconds()).isBetween(1L, 30L);
        assertThat(provider().hit(bucket, 5, Duration.ofSeconds(30)).allowed()).isFalse();
    }

    @Test
    void allowedDecisionsCarryNoRetryAfter() {
        assertThat(provider().hit(bucket(), 1, Duration.ofSeconds(5))).isEqualTo(new RateLimitDecision(true, 0));
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        String bucket = bucket();
        provider().hit(bucket, 1, Duration.ofMillis(400));
        assertThat(provider().hit(bucket, 1, Duration.ofMillis(400)).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void theWindowResets() throws InterruptedException {
        String bucket = bucket();
        Duration window = Duration.ofMillis(300);
        assertThat(provider().hit(bucket, 2, window).allowed()).isTrue();
        assertThat(provider().hit(bucket, 2, window).allowed()).isTrue();
        assertThat(provider().hit(bucket, 2, window).allowed()).isFalse();

        Thread.sleep(450);

        assertThat(provider().hit(bucket, 2, window).allowed()).isTrue();
        assertThat(provider().hit(bucket, 2, window).allowed()).isTrue();
        assertThat(provider().hit(bucket, 2, window).allowed()).isFalse();
    }

    @Test
    void bucketsAreIndependent() {
        String ip = "login:ip:" + UUID.randomUUID();
        String account = bucket();
        for (int i = 0; i < 3; i++) {
            provider().hit(ip, 3, Duration.ofSeconds(30));
        }
        assertThat(provider().hit(ip, 3, Duration.ofSeconds(30)).allowed()).isFalse();
        assertThat(provider().hit(account, 3, Duration.ofSeconds(30)).allowed()).isTrue();
        assertThat(provider().cooldown(ip, Duration.ofSeconds(30)).allowed()).as("cooldowns are separate from hits").isTrue();
    }

    @Test
    void countsAreExactUnderConcurrency() throws Exception {
        String bucket = bucket();
        int threads = 16;
        int hitsPerThread = 100;
        AtomicInteger allowed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < hitsPerThread; i++) {
                        if (provider().hit(bucket, 500, Duration.ofMinutes(1)).allowed()) {
                            allowed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(allowed).hasValue(500);
    }

    @Test
    void cooldownIsAcquiredOncePerPeriod() throws InterruptedException {
        String key = "resend-verification:" + UUID.randomUUID();
        Duration period = Duration.ofMillis(400);

        assertThat(provider().cooldown(key, period).allowed()).isTrue();
        RateLimitDecision again = provider().cooldown(key, period);
        assertThat(again.allowed()).isFalse();
        assertThat(again.retryAfterSeconds()).isEqualTo(1);
        assertThat(provider().cooldown("resend-verification:" + UUID.randomUUID(), period).allowed()).isTrue();

        Thread.sleep(550);

        assertThat(provider().cooldown(key, period).allowed()).isTrue();
        assertThat(provider().cooldown(key, period).allowed()).isFalse();
    }

    @Test
    void cooldownReportsTheRemainingPeriod() {
        String key = "resend:" + UUID.randomUUID();
        provider().cooldown(key, Duration.ofSeconds(60));
        assertThat(provider().cooldown(key, Duration.ofSeconds(60)).retryAfterSeconds()).isBetween(58L, 60L);
    }

    @Test
    void rejectsNonsenseArguments() {
        assertThatThrownBy(() -> provider().hit(null, 1, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> provider().hit("k", 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider().hit("k", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider().cooldown("k", Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
