package dev.appauth.keycloak.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** libargon2 and BouncyCastle give the same bytes for the same inputs, on every type, version and size. */
class Argon2EnginesTest {

    private static JavaArgon2Engine java;
    private static NativeArgon2Engine nativeEngine;

    @BeforeAll
    static void load() {
        java = new JavaArgon2Engine();
        // this machine is linux-x86-64, for which the jar carries libargon2: it must load here
        nativeEngine = NativeArgon2Engine.load(java);
    }

    /** Keycloak's own call: BouncyCastle's generator with Keycloak's builder steps and its char[] password. */
    static byte[] keycloakBouncyCastle(String password, byte[] salt, Argon2Spec spec) {
        int type = switch (spec.type()) {
            case "d" -> Argon2Parameters.ARGON2_d;
            case "i" -> Argon2Parameters.ARGON2_i;
            default -> Argon2Parameters.ARGON2_id;
        };
        Argon2Parameters parameters = new Argon2Parameters.Builder(type)
                .withVersion("1.0".equals(spec.version()) ? Argon2Parameters.ARGON2_VERSION_10 : Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withParallelism(spec.parallelism()).withMemoryAsKB(spec.memory())
                .withIterations(spec.iterations()).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] result = new byte[spec.hashLength()];
        generator.generateBytes(password.toCharArray(), result);
        return result;
    }

    @Test
    void keycloakDefaultParametersGiveTheSameBytes() {
        Argon2Hasher nativeHasher = new Argon2Hasher(nativeEngine, 1);
        Argon2Hasher javaHasher = new Argon2Hasher(java, 1);
        Random random = new Random(12);
        for (int i = 0; i < 5; i++) {
            byte[] salt = new byte[16];
            random.nextBytes(salt);
            String password = "pw-" + random.nextLong() + "-\u00fc\u00df\u20ac\ud83d\ude00";
            Argon2Spec spec = Argon2Spec.KEYCLOAK_DEFAULT;
            byte[] expected = keycloakBouncyCastle(password, salt, spec);
            assertThat(nativeHasher.hash(password, salt, spec)).isEqualTo(expected);
            assertThat(javaHasher.hash(password, salt, spec)).isEqualTo(expected);
        }
    }

    @Test
    void everyTypeVersionAndShapeGivesTheSameBytes() {
        Random random = new Random(34);
        int[][] shapes = {{16, 64, 1, 1}, {32, 256, 3, 2}, {64, 1024, 2, 4}, {4, 32, 1, 4}, {100, 512, 7, 3}};
        for (String type : Argon2Spec.TYPES) {
            for (String version : Argon2Spec.VERSIONS) {
                for (int[] shape : shapes) {
                    Argon2Spec spec = new Argon2Spec(type, version, shape[0], shape[1], shape[2], shape[3]);
                    byte[] salt = new byte[8 + random.nextInt(40)];
                    random.nextBytes(salt);
                    String password = Long.toString(random.nextLong(), 36);
                    byte[] expected = keycloakBouncyCastle(password, salt, spec);
                    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
                    assertThat(nativeEngine.hash(bytes, salt, spec)).as(spec.toString()).isEqualTo(expected);
                    assertThat(java.hash(bytes, salt, spec)).as(spec.toString()).isEqualTo(expected);
                }
            }
        }
    }

    /** The reference implementation's own test vector (phc-winner-argon2 test.c: argon2id, v=0x13, t=2, m=2^16, p=1). */
    @Test
    void referenceTestVector() {
        Argon2Spec spec = new Argon2Spec("id", "1.3", 32, 65536, 2, 1);
        byte[] password = "password".getBytes(StandardCharsets.US_ASCII);
        byte[] salt = "somesalt".getBytes(StandardCharsets.US_ASCII);
        String expected = "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7";
        assertThat(HexFormat.of().formatHex(nativeEngine.hash(password, salt, spec))).isEqualTo(expected);
        assertThat(HexFormat.of().formatHex(java.hash(password, salt, spec))).isEqualTo(expected);
    }

    @Test
    void inputsLibargon2RefusesAreHashedAsKeycloakWould() {
        Argon2Spec spec = new Argon2Spec("id", "1.3", 32, 64, 1, 1);
        byte[] shortSalt = {1, 2, 3, 4};
        assertThat(nativeEngine.hash(new byte[0], new byte[16], spec)).isEqualTo(keycloakBouncyCastle("", new byte[16], spec));
        assertThat(nativeEngine.hash("x".getBytes(StandardCharsets.UTF_8), shortSalt, spec))
                .isEqualTo(keycloakBouncyCastle("x", shortSalt, spec));
    }

    @Test
    void describesWhichImplementationRuns() {
        assertThat(nativeEngine.name()).isEqualTo("native");
        assertThat(nativeEngine.description()).startsWith("native (").contains("JNA");
        assertThat(java.name()).isEqualTo("java");
    }
}
