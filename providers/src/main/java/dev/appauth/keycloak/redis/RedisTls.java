package dev.appauth.keycloak.redis;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * How {@code rediss://} connections check the server: its certificate must chain to the trust store (the JVM's, which
 * Keycloak's {@code truststore-paths} feeds, or {@code tls-truststore}) and name the host connected to, as HTTPS does.
 */
public record RedisTls(String truststore, String truststorePassword, boolean verifyHostname) {

    public static final String TRUSTSTORE = "tls-truststore";
    public static final String TRUSTSTORE_PASSWORD = "tls-truststore-password";
    public static final String VERIFY_HOSTNAME = "tls-verify-hostname";

    static RedisTls parse(Function<String, String> option) {
        String verify = option.apply(VERIFY_HOSTNAME);
        if (verify != null && !verify.trim().equalsIgnoreCase("true") && !verify.trim().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("Redis option '" + VERIFY_HOSTNAME + "' must be true or false");
        }
        return new RedisTls(option.apply(TRUSTSTORE), option.apply(TRUSTSTORE_PASSWORD),
                verify == null || Boolean.parseBoolean(verify.trim()));
    }

    static ProviderConfigurationBuilder addConfigMetadata(ProviderConfigurationBuilder builder) {
        return builder
                .property().name(TRUSTSTORE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("rediss:// only: file of the certificates to trust (PKCS12 or JKS trust store, or PEM CA"
                        + " certificates) instead of the JVM trust store.").add()
                .property().name(TRUSTSTORE_PASSWORD).type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("Password of the tls-truststore file, if it has one.").add()
                .property().name(VERIFY_HOSTNAME).type(ProviderConfigProperty.BOOLEAN_TYPE)
                .helpText("rediss:// only: the server certificate must name the host connected to. Insecure when false"
                        + " (any trusted certificate is accepted for any host): for testing only.")
                .defaultValue(Boolean.TRUE).add();
    }

    /** The socket factory for TLS connections; reads the trust store file, so called once per client. */
    SSLSocketFactory socketFactory() {
        if (truststore == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(loadTruststore(Path.of(truststore)));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Redis option '" + TRUSTSTORE + "': cannot read " + truststore + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** Endpoint identification "HTTPS": the JDK checks the certificate's names (SAN) against the host, as for HTTPS. */
    SSLParameters parameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        return parameters;
    }

    private KeyStore loadTruststore(Path file) throws IOException, GeneralSecurityException {
        byte[] content = Files.readAllBytes(file);
        if (!new String(content, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
            // KeyStore.getInstance(File, ...) tells PKCS12 from JKS by the content
            return KeyStore.getInstance(file.toFile(), truststorePassword == null ? null : truststorePassword.toCharArray());
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content))) {
            store.setCertificateEntry("ca-" + index++, certificate);
        }
        return store;
    }

    @Override
    public String toString() {
        return "RedisTls[truststore=" + (truststore == null ? "JVM" : truststore) + ", verifyHostname=" + verifyHostname + "]";
    }
}
