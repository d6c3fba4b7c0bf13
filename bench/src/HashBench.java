import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.appauth.shaded.argon2.Argon2Advanced;
import dev.appauth.shaded.argon2.Argon2Factory;
import dev.appauth.shaded.argon2.Argon2Version;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * One password hash with Keycloak's default parameters (argon2id 1.3, 32 bytes, 7168 KiB, 5 iterations,
 * parallelism 1), in-process, in each implementation: BouncyCastle as Keycloak's own provider calls it, and
 * libargon2 through the bundle's shaded argon2-jvm and Keycloak's JNA. A careful loop rather than JMH (which is
 * not worth a Maven module here): warm-up, then alternating blocks of each, single-threaded; then all cores at
 * once. Writes {@code key=value} lines to the file named by the first argument.
 */
public final class HashBench {

    private static final int ITERATIONS = 5;
    private static final int MEMORY = 7168;

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.hashes", 60);
        int cores = Runtime.getRuntime().availableProcessors();
        byte[] password = "bench velvet tractor 91".getBytes(StandardCharsets.UTF_8);
        byte[] salt = new byte[16];
        new Random(7).nextBytes(salt);
        final Argon2Advanced nativeArgon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);

        byte[] a = nativeHash(nativeArgon2, password, salt);
        byte[] b = javaHash(password, salt);
        if (!Arrays.equals(a, b)) {
            throw new IllegalStateException("libargon2 and BouncyCastle differ");
        }
        for (int i = 0; i < 20; i++) { // warm-up: JIT for BouncyCastle, page faults for both
            nativeHash(nativeArgon2, password, salt);
            javaHash(password, salt);
        }
        List<Long> nat = new ArrayList<>();
        List<Long> java = new ArrayList<>();
        // CPU time of this thread per hash as well: other processes on a shared machine lengthen the wall time
        // of a hash, hardly its CPU time
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[2];
        for (int block = 0; block < n / 10; block++) {
            for (int i = 0; i < 10; i++) {
                boolean first = block % 2 == 0;
                measure(first ? java : nat, cpu, first ? 1 : 0, mx, first ? () -> javaHash(password, salt) : () -> nativeHash(nativeArgon2, password, salt));
            }
            for (int i = 0; i < 10; i++) {
                boolean first = block % 2 == 0;
                measure(first ? nat : java, cpu, first ? 0 : 1, mx, first ? () -> nativeHash(nativeArgon2, password, salt) : () -> javaHash(password, salt));
            }
        }
        double nativePar = parallel(cores, n, () -> nativeHash(nativeArgon2, password, salt));
        double javaPar = parallel(cores, n, () -> javaHash(password, salt));

        StringBuilder out = new StringBuilder();
        out.append("cores=").append(cores).append('\n');
        line(out, "native", nat, nativePar, cores);
        out.append(String.format(Locale.ROOT, "native.cpu_ms=%.2f%n", cpu[0] / 1e6 / nat.size()));
        line(out, "java", java, javaPar, cores);
        out.append(String.format(Locale.ROOT, "java.cpu_ms=%.2f%n", cpu[1] / 1e6 / java.size()));
        Files.writeString(Path.of(args[0]), out.toString());
        System.out.print(out);
    }

    private static void line(StringBuilder out, String name, List<Long> nanos, double parallelPerSecond, int cores) {
        long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double median = s[s.length / 2] / 1e6;
        double mean = Arrays.stream(s).average().orElse(0) / 1e6;
        out.append(String.format(Locale.ROOT, "%s.samples=%d%n%s.median_ms=%.2f%n%s.mean_ms=%.2f%n%s.p90_ms=%.2f%n"
                        + "%s.limit_per_s=%.1f%n%s.parallel_per_s=%.1f%n",
                name, s.length, name, median, name, mean, name, s[(int) (s.length * 0.9)] / 1e6,
                name, cores * 1000 / median, name, parallelPerSecond));
    }

    private static void measure(List<Long> wall, long[] cpu, int which, ThreadMXBean mx, Runnable hash) {
        long c = mx.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        hash.run();
        wall.add(System.nanoTime() - t);
        cpu[which] += mx.getCurrentThreadCpuTime() - c;
    }

    /** Hashes per second with one thread per core, each doing {@code n} hashes. */
    private static double parallel(int threads, int n, Runnable hash) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t = System.nanoTime();
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                all.add(pool.submit(() -> {
                    for (int j = 0; j < n; j++) {
                        hash.run();
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            return threads * n / ((System.nanoTime() - t) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] nativeHash(Argon2Advanced argon2, byte[] password, byte[] salt) {
        return argon2.rawHashAdvanced(ITERATIONS, MEMORY, 1, password, salt, null, null, 32, Argon2Version.V13);
    }

    /** Keycloak 26.7.3's Argon2PasswordHashProvider.encode, without its tracing span. */
    private static byte[] javaHash(byte[] password, byte[] salt) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withParallelism(1)
                .withMemoryAsKB(MEMORY).withIterations(ITERATIONS).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[32];
        generator.generateBytes(password, out);
        return out;
    }
}
