package dev.appauth.keycloak.hash;

import java.util.Locale;

import org.keycloak.Config;

/**
 * Options of the argon2 provider, read once from {@code --spi-password-hashing--argon2--<option>}: the same names
 * and defaults as Keycloak's own argon2 provider (which this one replaces, so a server's existing options keep
 * their meaning), plus {@code implementation}.
 *
 * @param spec           the parameters new hashes get, and that a stored hash must have to escape re-hashing
 * @param maxConcurrent  hashes computed at once ({@code cpuCores}, default: the cores the JVM sees); more wait
 * @param implementation which engine to use
 */
record Argon2Config(Argon2Spec spec, int maxConcurrent, Implementation implementation) {

    static final String VERSION = "version";
    static final String TYPE = "type";
    static final String HASH_LENGTH = "hashLength";
    static final String MEMORY = "memory";
    static final String ITERATIONS = "iterations";
    static final String PARALLELISM = "parallelism";
    static final String CPU_CORES = "cpuCores";
    static final String IMPLEMENTATION = "implementation";

    /** {@code auto}: libargon2 where it loads, else BouncyCastle with a WARN; {@code native}: fail startup without it. */
    enum Implementation { AUTO, NATIVE, JAVA }

    Argon2Config {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("argon2 option '" + CPU_CORES + "' must be at least 1");
        }
    }

    static Argon2Config from(Config.Scope scope) {
        Argon2Spec d = Argon2Spec.KEYCLOAK_DEFAULT;
        Argon2Spec spec = new Argon2Spec(scope.get(TYPE, d.type()), scope.get(VERSION, d.version()),
                scope.getInt(HASH_LENGTH, d.hashLength()), scope.getInt(MEMORY, d.memory()),
                scope.getInt(ITERATIONS, d.iterations()), scope.getInt(PARALLELISM, d.parallelism()));
        int cores = scope.getInt(CPU_CORES, Runtime.getRuntime().availableProcessors());
        return new Argon2Config(spec, cores, implementation(scope.get(IMPLEMENTATION, "auto")));
    }

    private static Implementation implementation(String value) {
        try {
            return Implementation.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("argon2 option '" + IMPLEMENTATION + "' must be auto, native or java, not '" + value + "'");
        }
    }
}
