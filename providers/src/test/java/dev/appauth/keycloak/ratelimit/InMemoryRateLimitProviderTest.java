package dev.appauth.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryRateLimitProviderTest extends RateLimitProviderContractTest {

    private InMemoryRateLimitProvider provider;

    @BeforeEach
    void create() {
        provider = new InMemoryRateLimitProvider(InMemoryRateLimitProviderFactory.DEFAULT_MAX_ENTRIES);
    }

    @Override
    protected RateLimitProvider provider() {
        return provider;
    }

    @Test
    void expiredBucketsAreSweptEveryMinute() {
        AtomicLong clock = new AtomicLong(1_000_000);
        InMemoryRateLimitProvider limiter = new InMemoryRateLimitProvider(1000, clock::get);
        for (int i = 0; i < 50; i++) {
            limiter.hit("k" + i, 5, Duration.ofSeconds(10));
        }
        assertThat(limiter.size()).isEqualTo(50);

        clock.addAndGet(61_000);
        limiter.hit("fresh", 5, Duration.ofSeconds(10));

        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void staysBoundedUnderAFloodOfDistinctKeys() {
        AtomicLong clock = new AtomicLong(0);
        InMemoryRateLimitProvider limiter = new InMemoryRateLimitProvider(100, clock::get);
        for (int i = 0; i < 10_000; i++) {
            limiter.hit("flood:" + i, 5, Duration.ofHours(1));
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(100);
        assertThat(limiter.dropped()).isPositive();
    }

    @Test
    void aFullMapFirstMakesRoomFromExpiredBuckets() {
        AtomicLong clock = new AtomicLong(0);
        InMemoryRateLimitProvider limiter = new InMemoryRateLimitProvider(10, clock::get);
        for (int i = 0; i < 10; i++) {
            limiter.hit("old:" + i, 5, Duration.ofSeconds(1));
        }
        clock.addAndGet(2000);
        limiter.hit("new", 5, Duration.ofSeconds(1));

        assertThat(limiter.size()).isEqualTo(1);
        assertThat(limiter.dropped()).isZero();
    }
}
