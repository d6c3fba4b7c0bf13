package dev.appauth.keycloak.hash;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * BouncyCastle's pure-Java argon2, called the way Keycloak's own {@code Argon2PasswordHashProvider} calls it: the
 * fallback where libargon2 cannot load, and the reference the native engine is checked against at startup.
 */
final class JavaArgon2Engine implements Argon2Engine {

    @Override
    public byte[] hash(byte[] password, byte[] salt, Argon2Spec spec) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(type(spec.type()))
                .withVersion("1.0".equals(spec.version()) ? Argon2Parameters.ARGON2_VERSION_10 : Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withParallelism(spec.parallelism())
                .withMemoryAsKB(spec.memory())
                .withIterations(spec.iterations())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[spec.hashLength()];
        generator.generateBytes(password, out);
        return out;
    }

    private static int type(String type) {
        return switch (type) {
            case "d" -> Argon2Parameters.ARGON2_d;
            case "i" -> Argon2Parameters.ARGON2_i;
            default -> Argon2Parameters.ARGON2_id;
        };
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public String description() {
        return "Java (BouncyCastle, Keycloak's own argon2)";
    }
}
