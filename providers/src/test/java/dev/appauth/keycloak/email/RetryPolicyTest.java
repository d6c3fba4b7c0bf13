package dev.appauth.keycloak.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static MailQueueConfig config(int maxAttempts, int initialSeconds, int maxSeconds, int maxAgeMinutes) {
        return new MailQueueConfig(1, 10, Duration.ZERO, maxAttempts, Duration.ofSeconds(initialSeconds), Duration.ofSeconds(maxSeconds),
                Duration.ofMinutes(maxAgeMinutes), Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofDays(7));
    }

    @Test
    void backoffDoublesUpToTheLongestWaitWithJitterBetweenHalfAndAll() {
        MailQueueConfig c = config(10, 30, 600, 1440);
        RetryPolicy none = new RetryPolicy(c, () -> 0.0);
        RetryPolicy all = new RetryPolicy(c, () -> 0.999999);
        assertThat(none.backoffMillis(1)).isEqualTo(15_000);
        assertThat(all.backoffMillis(1)).isBetween(29_990L, 30_000L);
        assertThat(none.backoffMillis(2)).isEqualTo(30_000);
        assertThat(none.backoffMillis(3)).isEqualTo(60_000);
        assertThat(none.backoffMillis(6)).isEqualTo(300_000); // 30 s * 32 = 960 s, capped at 600 s
        assertThat(all.backoffMillis(60)).isBetween(599_000L, 600_000L); // no overflow however many attempts
    }

    @Test
    void theLastAttemptOrTheMaximumAgeGivesUp() {
        RetryPolicy policy = new RetryPolicy(config(3, 30, 600, 60), () -> 0.5);
        long created = 1_000_000;
        assertThat(policy.nextAttemptAt(1, created, created)).isEqualTo(created + 22_500);
        assertThat(policy.nextAttemptAt(2, created, created + 30_000)).isPositive();
        assertThat(policy.nextAttemptAt(3, created, created + 60_000)).as("after the last attempt").isEqualTo(-1);
        assertThat(policy.nextAttemptAt(1, created, created + 3_590_000)).as("the next would start after max age").isEqualTo(-1);

        assertThat(policy.exhausted(3, created, created + 1000)).isFalse();
        assertThat(policy.exhausted(4, created, created + 1000)).as("its node died during the last attempt").isTrue();
        assertThat(policy.exhausted(1, created, created + 3_600_001)).as("waited past its age").isTrue();
    }

    @Test
    void invalidConfigurationIsRefused() {
        assertThatThrownBy(() -> config(0, 30, 600, 60)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-attempts");
        assertThatThrownBy(() -> config(3, 0, 600, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config(3, 60, 30, 60)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry-max-seconds");
        assertThatThrownBy(() -> config(3, 30, 600, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailQueueConfig.of(0, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailQueueConfig.of(1, 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailQueueConfig.of(1, 1, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theShortCauseOfAFailureIsKeptOnlyWhenItCannotHoldData() {
        assertThat(MailAttempts.shortCause(new RuntimeException("x", new java.net.ConnectException("Connection refused"))))
                .isEqualTo(" (Connection refused)");
        assertThat(MailAttempts.shortCause(new RuntimeException(new Exception("550 5.1.1 <someone@example.com> unknown")))).isEmpty();
        assertThat(MailAttempts.shortCause(new RuntimeException("y".repeat(61)))).isEmpty();
        assertThat(MailAttempts.shortCause(new RuntimeException("token=eyJhbGciOi/abc+def"))).as("odd characters").isEmpty();
        assertThat(MailAttempts.shortCause(new RuntimeException())).isEmpty();
    }
}
