package dev.appauth.keycloak.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA and server certificates signed by it, made with the JDK's keytool under {@code target/}, and the
 * server key exported as PEM for redis-server.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA, its PEM certificate ({@link #caPem}) and a PKCS12 trust store holding it ({@link #truststore}). */
    public static TestCertificates create() {
        try {
            Files.createDirectories(Path.of("target"));
            TestCertificates certificates = new TestCertificates(Files.createTempDirectory(Path.of("target"), "redis-tls-"));
            certificates.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=app-auth test CA", "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
            certificates.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
            certificates.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "truststore.p12");
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /**
     * A server certificate signed by the CA.
     *
     * @param san keytool's subject alternative names, e.g. {@code dns:localhost,ip:127.0.0.1}
     * @return the certificate PEM file; the key is beside it ({@link #keyOf})
     */
    public Path server(String name, String san) {
        String store = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", name + ".csr", "-outfile", name + ".pem",
                "-ext", "SAN=" + san, "-ext", "EKU=serverAuth", "-validity", "2");
        try {
            KeyStore keys = KeyStore.getInstance(dir.resolve(store).toFile(), PASSWORD.toCharArray());
            Key key = keys.getKey(name, PASSWORD.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(keyOf(name), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return certificateOf(name);
    }

    public Path certificateOf(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path keyOf(String name) {
        return dir.resolve(name + ".key");
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
