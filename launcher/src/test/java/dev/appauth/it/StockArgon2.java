package dev.appauth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * Keycloak 26.7.3's own argon2 provider ({@code org.keycloak.crypto.hash.Argon2PasswordHashProvider}, BouncyCastle),
 * loaded in the test JVM from the distribution the tests run (its lib/lib/main), called by reflection: the stock
 * side of the cross-verification. Its jar is not on Maven Central, so it is read from the server itself.
 */
final class StockArgon2 {

    /** A password credential as Keycloak stores it: the credential table's two JSON columns. */
    record Stored(String credentialData, String secretData) {
    }

    private static ClassLoader loader;

    private final Object provider;

    private StockArgon2(Object provider) {
        this.provider = provider;
    }

    /** Keycloak's provider with these parameters (its factory's options), at most 2 hashes at once. */
    static StockArgon2 with(String type, String version, int hashLength, int memory, int iterations, int parallelism) {
        try {
            Class<?> c = classes().loadClass("org.keycloak.crypto.hash.Argon2PasswordHashProvider");
            Constructor<?> constructor = c.getConstructor(String.class, String.class, int.class, int.class, int.class, int.class,
                    Semaphore.class);
            return new StockArgon2(constructor.newInstance(version, type, hashLength, memory, iterations, parallelism, new Semaphore(2)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Keycloak's Argon2PasswordHashProvider did not load from the distribution", e);
        }
    }

    /** Keycloak's defaults (Argon2Parameters): argon2id 1.3, 32 bytes, 7168 KiB, 5 iterations, parallelism 1. */
    static StockArgon2 defaults() {
        return with("id", "1.3", 32, 7168, 5, 1);
    }

    /** What Keycloak's encodedCredential(password, -1) stores. */
    Stored hash(String password) {
        try {
            Object model = provider.getClass().getMethod("encodedCredential", String.class, int.class).invoke(provider, password, -1);
            return new Stored((String) model.getClass().getMethod("getCredentialData").invoke(model),
                    (String) model.getClass().getMethod("getSecretData").invoke(model));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keycloak's verify on a stored credential (its parameters come from the credential, as on the server). */
    boolean verify(String password, Stored stored) {
        try {
            ClassLoader cl = classes();
            Class<?> credentialModel = cl.loadClass("org.keycloak.credential.CredentialModel");
            Object model = credentialModel.getConstructor().newInstance();
            credentialModel.getMethod("setType", String.class).invoke(model, "password");
            credentialModel.getMethod("setCredentialData", String.class).invoke(model, stored.credentialData());
            credentialModel.getMethod("setSecretData", String.class).invoke(model, stored.secretData());
            Class<?> passwordModel = cl.loadClass("org.keycloak.models.credential.PasswordCredentialModel");
            Object password2 = passwordModel.getMethod("createFromCredentialModel", credentialModel).invoke(null, model);
            Method verify = provider.getClass().getMethod("verify", String.class, passwordModel);
            return (Boolean) verify.invoke(provider, password, password2);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized ClassLoader classes() {
        if (loader == null) {
            Path lib = Path.of(System.getProperty("keycloak.home")).resolve("lib/lib");
            // the server's libraries, and from its boot jars the logging facade Keycloak's classes log through
            try (Stream<Path> main = Files.list(lib.resolve("main")); Stream<Path> boot = Files.list(lib.resolve("boot"))) {
                URL[] urls = Stream.concat(main, boot.filter(p -> p.getFileName().toString().startsWith("org.jboss.logging.jboss-logging-")))
                        .filter(p -> p.toString().endsWith(".jar")).map(StockArgon2::url).toArray(URL[]::new);
                // the platform loader as parent: only the server's own libraries, none of the test class path
                loader = new URLClassLoader("keycloak-" + System.getProperty("keycloak.version"), urls, ClassLoader.getPlatformClassLoader());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return loader;
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
