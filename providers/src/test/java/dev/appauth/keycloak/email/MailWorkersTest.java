package dev.appauth.keycloak.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

class MailWorkersTest {

    private final MailStats stats = new MailStats();
    private final List<String> attempted = new CopyOnWriteArrayList<>();

    private MailWorkers workers(int threads, int capacity, Consumer<String> attempt) {
        return new MailWorkers(MailQueueConfig.of(threads, capacity, Duration.ZERO), attempt, stats, getClass().getClassLoader());
    }

    @Test
    void eachRowIsAttemptedOnceEvenWhenOfferedTwice() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (MailWorkers workers = workers(1, 10, id -> {
            await(release);
            attempted.add(id);
        })) {
            assertThat(workers.submit("row-1", 0)).isTrue();
            assertThat(workers.submit("row-1", 0)).as("a poll offering a row that is queued here already").isFalse();
            assertThat(workers.submit("row-2", 0)).isTrue();
            release.countDown();
            awaitTrue(() -> attempted.size() == 2);
            assertThat(attempted).containsExactly("row-1", "row-2");
            // done, so a later poll may offer it again (e.g. for its retry)
            awaitTrue(() -> workers.submit("row-1", 0));
        }
    }

    @Test
    void aFullQueueDefersToTheOutboxInsteadOfBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (MailWorkers workers = workers(1, 1, id -> {
            await(release);
            attempted.add(id);
        })) {
            long t0 = System.nanoTime();
            workers.submit("running", 0);
            awaitTrue(() -> info(workers).get("sending").equals("1"));
            assertThat(workers.submit("waiting", 0)).isTrue();
            assertThat(workers.capacityLeft()).isZero();
            assertThat(workers.submit("deferred", 0)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(stats.deferred.sum()).isEqualTo(1);
            assertThat(info(workers)).containsEntry("waiting", "1").containsEntry("threads", "1").containsEntry("queueCapacity", "1");
            release.countDown();
            awaitTrue(() -> attempted.size() == 2);
            assertThat(attempted).containsExactly("running", "waiting");
        }
    }

    @Test
    void anAttemptStartsNoEarlierThanItsRowIsDue() throws Exception {
        long[] started = new long[1];
        try (MailWorkers workers = workers(1, 10, id -> {
            started[0] = System.currentTimeMillis();
            attempted.add(id);
        })) {
            long due = System.currentTimeMillis() + 300;
            workers.submit("row", due);
            awaitTrue(() -> attempted.size() == 1);
            assertThat(started[0]).isGreaterThanOrEqualTo(due);
        }
    }

    @Test
    void aFailingAttemptDoesNotKillTheWorker() throws Exception {
        try (MailWorkers workers = workers(1, 10, id -> {
            attempted.add(id);
            throw new IllegalStateException("database down");
        })) {
            workers.submit("a", 0);
            workers.submit("b", 0);
            awaitTrue(() -> attempted.size() == 2);
        }
    }

    private static Map<String, String> info(MailWorkers workers) {
        Map<String, String> info = new HashMap<>();
        workers.info(info);
        return info;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
