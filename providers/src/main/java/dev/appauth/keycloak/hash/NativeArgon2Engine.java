package dev.appauth.keycloak.hash;

import java.util.Map;

import com.sun.jna.Library;
import com.sun.jna.Native;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Factory.Argon2Types;
import de.mkammerer.argon2.Argon2Version;
import de.mkammerer.argon2.jna.Argon2Library;

/**
 * The reference C implementation (libargon2, bundled for linux/darwin/windows by argon2-jvm) through Keycloak's
 * JNA: the same bytes as BouncyCastle's code for the same inputs, in about a third of the time. The hash runs
 * on the calling thread (libargon2 starts threads of its own only when parallelism &gt; 1) with memory it
 * allocates and frees itself, outside the Java heap.
 */
final class NativeArgon2Engine implements Argon2Engine {

    /** libargon2 refuses what BouncyCastle accepts below these (ARGON2_MIN_PWD_LENGTH is 0 but JNA cannot pass it). */
    private static final int MIN_NATIVE_SALT = 8;

    private final Map<String, Argon2Advanced> byType;
    private final Argon2Engine edgeCases;
    private String library = "?";

    private NativeArgon2Engine(Argon2Engine edgeCases) {
        this.byType = Map.of("id", Argon2Factory.createAdvanced(Argon2Types.ARGON2id),
                "i", Argon2Factory.createAdvanced(Argon2Types.ARGON2i),
                "d", Argon2Factory.createAdvanced(Argon2Types.ARGON2d));
        this.edgeCases = edgeCases;
    }

    /**
     * Loads libargon2 (the first call links it) and checks it against {@code reference} on every type and version:
     * any {@link LinkageError} or difference is thrown, and the caller falls back.
     */
    static NativeArgon2Engine load(Argon2Engine reference) {
        NativeArgon2Engine engine = new NativeArgon2Engine(reference);
        byte[] password = "native argon2 self-test \u00e9\u4e2d".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] salt = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (String type : Argon2Spec.TYPES) {
            for (String version : Argon2Spec.VERSIONS) {
                Argon2Spec spec = new Argon2Spec(type, version, 32, 64, 2, 2);
                if (!java.util.Arrays.equals(engine.hash(password, salt, spec), reference.hash(password, salt, spec))) {
                    throw new IllegalStateException("libargon2 and BouncyCastle differ for argon2" + type + " " + version);
                }
            }
        }
        engine.library = libraryFile();
        return engine;
    }

    /** Where JNA found libargon2: the copy in this jar (unpacked to a temp dir) or one of the system's. */
    private static String libraryFile() {
        if (java.lang.reflect.Proxy.getInvocationHandler(Argon2Library.INSTANCE) instanceof Library.Handler handler) {
            java.io.File file = handler.getNativeLibrary().getFile();
            return file != null ? file.getPath() : handler.getNativeLibrary().getName();
        }
        return "?";
    }

    @Override
    public byte[] hash(byte[] password, byte[] salt, Argon2Spec spec) {
        if (password.length == 0 || salt.length < MIN_NATIVE_SALT) {
            // JNA cannot allocate an empty buffer and libargon2 refuses short salts: these only occur with
            // imported credentials or empty inputs, and BouncyCastle gives the answer Keycloak would give
            return edgeCases.hash(password, salt, spec);
        }
        Argon2Version version = "1.0".equals(spec.version()) ? Argon2Version.V10 : Argon2Version.V13;
        return byType.get(spec.type()).rawHashAdvanced(spec.iterations(), spec.memory(), spec.parallelism(),
                password, salt, null, null, spec.hashLength(), version);
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public String description() {
        return "native (" + library + " through JNA " + Native.VERSION + ")";
    }
}
