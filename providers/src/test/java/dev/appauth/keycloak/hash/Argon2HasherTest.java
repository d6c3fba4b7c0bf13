package dev.appauth.keycloak.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class Argon2HasherTest {

    /** The real native engine, watched: how many of its hashes overlap. */
    private static final class Watched implements Argon2Engine {
        final Argon2Engine real = Argon2HashProviderFactory.engine(Argon2Config.Implementation.NATIVE);
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        @Override
        public byte[] hash(byte[] password, byte[] salt, Argon2Spec spec) {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                return real.hash(password, salt, spec);
            } finally {
                now.decrementAndGet();
            }
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public String description() {
            return real.description();
        }
    }

    @Test
    void neverMoreHashesAtOnceThanSlots() throws Exception {
        Watched engine = new Watched();
        Argon2Hasher hasher = new Argon2Hasher(engine, 2);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> hasher.hash("password", new byte[16], Argon2Spec.KEYCLOAK_DEFAULT)));
            }
            byte[] first = results.get(0).get();
            for (Future<byte[]> result : results) {
                assertThat(result.get()).isEqualTo(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.most.get()).isBetween(1, 2);
        assertThat(hasher.hashes()).isEqualTo(24);
        assertThat(hasher.running()).isZero();
        assertThat(hasher.waiting()).isZero();
        assertThat(hasher.info()).containsEntry("implementation", "native").containsEntry("maxConcurrentHashes", "2")
                .containsEntry("hashes", "24").containsEntry("eventLoopHashes", "0");
    }

    /** libargon2's working memory is reused: no more blocks than hashes ran at once, however many threads hashed. */
    @Test
    void nativeWorkingMemoryIsPooledPerSlotNotPerThread() throws Exception {
        NativeArgon2Engine engine = (NativeArgon2Engine) Argon2HashProviderFactory.engine(Argon2Config.Implementation.NATIVE);
        Argon2Hasher hasher = new Argon2Hasher(engine, 2);
        byte[] expected = Argon2EnginesTest.keycloakBouncyCastle("password", new byte[16], Argon2Spec.KEYCLOAK_DEFAULT);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                results.add(pool.submit(() -> hasher.hash("password", new byte[16], Argon2Spec.KEYCLOAK_DEFAULT)));
            }
            for (Future<byte[]> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        // at most 2 blocks of 7 MiB, plus the one small block of the startup self-test
        assertThat(engine.pooledBlocks()).isBetween(1, 3);
    }

    @Test
    void anInterruptedWaitGivesUpAndKeepsTheFlag() throws Exception {
        Argon2Hasher hasher = new Argon2Hasher(new JavaArgon2Engine(), 1);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> hasher.hash("p", new byte[16], Argon2Spec.KEYCLOAK_DEFAULT))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(hasher.waiting()).isZero();
        // the slot was never taken, so the next hash runs
        assertThat(hasher.hash("p", new byte[16], Argon2Spec.KEYCLOAK_DEFAULT)).hasSize(32);
    }

    @Test
    void aHashOnAnEventLoopThreadIsCounted() throws Exception {
        Argon2Hasher hasher = new Argon2Hasher(new JavaArgon2Engine(), 1);
        Thread loop = new Thread(() -> hasher.hash("p", new byte[16], new Argon2Spec("id", "1.3", 32, 64, 1, 1)),
                "vert.x-eventloop-thread-0");
        loop.start();
        loop.join();
        assertThat(hasher.info()).containsEntry("eventLoopHashes", "1");
    }

    @Test
    void refusesZeroSlots() {
        assertThatThrownBy(() -> new Argon2Hasher(new JavaArgon2Engine(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
