package dev.appauth.keycloak.hash;

import java.util.Map;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import de.mkammerer.argon2.jna.Argon2Library;
import de.mkammerer.argon2.jna.Argon2_context;
import de.mkammerer.argon2.jna.Argon2_type;
import de.mkammerer.argon2.jna.Argon2_version;
import de.mkammerer.argon2.jna.JnaUint32;

/**
 * The reference C implementation (libargon2, bundled for linux/darwin/windows by argon2-jvm) through Keycloak's
 * JNA: the same bytes as BouncyCastle's code for the same inputs, in about a third of the time. The hash runs
 * on the calling thread (libargon2 starts threads of its own only when parallelism &gt; 1) in working memory
 * outside the Java heap, reused between hashes ({@link NativeBlocks}).
 */
final class NativeArgon2Engine implements Argon2Engine {

    /** libargon2 refuses what BouncyCastle accepts below these (ARGON2_MIN_PWD_LENGTH is 0 but JNA cannot pass it). */
    private static final int MIN_NATIVE_SALT = 8;

    /** argon2_type: Argon2_d = 0, Argon2_i = 1, Argon2_id = 2 */
    private static final Map<String, Argon2_type> TYPES = Map.of("d", new Argon2_type(0), "i", new Argon2_type(1),
            "id", new Argon2_type(2));

    private final NativeBlocks blocks = new NativeBlocks();
    private final Argon2Engine edgeCases;
    private String library = "?";

    private NativeArgon2Engine(Argon2Engine edgeCases) {
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
        // argon2-jvm's own context, with libargon2's working memory from the pool instead of malloc
        Argon2_context.ByReference context = new Argon2_context.ByReference();
        Memory out = new Memory(spec.hashLength());
        Memory pwd = new Memory(password.length);
        Memory saltMemory = new Memory(salt.length);
        try {
            pwd.write(0, password, 0, password.length);
            saltMemory.write(0, salt, 0, salt.length);
            context.out = out;
            context.outlen = new JnaUint32(spec.hashLength());
            context.pwd = pwd;
            context.pwdlen = new JnaUint32(password.length);
            context.salt = saltMemory;
            context.saltlen = new JnaUint32(salt.length);
            context.t_cost = new JnaUint32(spec.iterations());
            context.m_cost = new JnaUint32(spec.memory());
            // as argon2_hash() sets them: one thread per lane
            context.lanes = new JnaUint32(spec.parallelism());
            context.threads = new JnaUint32(spec.parallelism());
            context.version = new Argon2_version("1.0".equals(spec.version()) ? 0x10 : 0x13);
            context.allocate_cbk = blocks.allocatePointer;
            context.free_cbk = blocks.freePointer;
            int result = Argon2Library.INSTANCE.argon2_ctx(context, TYPES.get(spec.type()));
            if (result != Argon2Library.ARGON2_OK) {
                throw new IllegalStateException("libargon2 failed: " + Argon2Library.INSTANCE.argon2_error_message(result));
            }
            return out.getByteArray(0, spec.hashLength());
        } finally {
            pwd.clear();
            out.clear();
        }
    }

    int pooledBlocks() {
        return blocks.blocks();
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
