package dev.appauth.keycloak.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.keycloak.email.EmailException;

class MailWorkersTest {

    @Test
    void outcomesAreCounted() throws Exception {
        MailWorkers.TaskRunner runner = (realmId, task) -> task.send(null, null);
        try (MailWorkers workers = new MailWorkers(new MailQueueConfig(2, 10, Duration.ZERO), runner, getClass().getClassLoader())) {
            workers.submit("test", "realm", (s, r) -> true);
            workers.submit("test", "realm", (s, r) -> false);
            workers.submit("test", "realm", (s, r) -> {
                throw new EmailException("smtp down for someone@example.com", new java.net.SocketTimeoutException("Read timed out"));
            });
            awaitInfo(workers, "sent", "1");
            awaitInfo(workers, "skipped", "1");
            awaitInfo(workers, "failed", "1");
            assertThat(workers.info()).containsEntry("dropped", "0").containsEntry("threads", "2").containsEntry("queueCapacity", "10");
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MailWorkers.TaskRunner runner = (realmId, task) -> task.send(null, null);
        try (MailWorkers workers = new MailWorkers(new MailQueueConfig(1, 1, Duration.ZERO), runner, getClass().getClassLoader())) {
            MailTask stuck = (s, r) -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            };
            long t0 = System.nanoTime();
            workers.submit("test", "realm", stuck); // running
            awaitInfo(workers, "sending", "1");
            workers.submit("test", "realm", stuck); // waiting
            workers.submit("test", "realm", stuck); // dropped
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(workers.info()).containsEntry("dropped", "1").containsEntry("waiting", "1");
            release.countDown();
            awaitInfo(workers, "sent", "2");
        }
    }

    @Test
    void aMailStartsOnlyAfterTheDispatchDelay() throws Exception {
        MailWorkers.TaskRunner runner = (realmId, task) -> task.send(null, null);
        try (MailWorkers workers = new MailWorkers(new MailQueueConfig(1, 10, Duration.ofMillis(300)), runner, getClass().getClassLoader())) {
            long submitted = System.nanoTime();
            long[] started = new long[1];
            workers.submit("test", "realm", (s, r) -> {
                started[0] = System.nanoTime();
                return true;
            });
            awaitInfo(workers, "sent", "1");
            assertThat(Duration.ofNanos(started[0] - submitted)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
            assertThat(workers.info()).containsEntry("dispatchDelayMillis", "300");
        }
    }

    @Test
    void failureLogsNameTheExceptionTypesOnlyNotTheirMessages() {
        String causes = dev.appauth.keycloak.Failures.describe(new RuntimeException("x", new EmailException("to someone@example.com",
                new java.net.ConnectException("Connection refused"))));
        assertThat(causes).isEqualTo("java.lang.RuntimeException <- org.keycloak.email.EmailException <- java.net.ConnectException")
                .doesNotContain("@");
    }

    @Test
    void invalidConfigurationIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MailQueueConfig(0, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MailQueueConfig(1, 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitInfo(MailWorkers workers, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!value.equals(workers.info().get(key)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(workers.info()).containsEntry(key, value);
    }
}
