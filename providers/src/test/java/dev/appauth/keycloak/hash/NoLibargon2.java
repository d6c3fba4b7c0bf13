package dev.appauth.keycloak.hash;

/** Main of the child JVM of {@link Argon2HashProviderFactoryTest}: which engine an option yields without libargon2. */
public final class NoLibargon2 {

    public static void main(String[] args) {
        Argon2Config.Implementation implementation = Argon2Config.Implementation.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        try {
            Argon2Engine engine = Argon2HashProviderFactory.engine(implementation);
            // and it hashes: Keycloak's bytes, through BouncyCastle
            byte[] hash = engine.hash("p".getBytes(), new byte[16], new Argon2Spec("id", "1.3", 32, 64, 1, 1));
            System.out.println("engine=" + engine.name() + " bytes=" + hash.length + " " + engine.description());
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
