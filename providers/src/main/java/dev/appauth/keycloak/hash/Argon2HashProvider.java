package dev.appauth.keycloak.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.credential.hash.Salt;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Keycloak's {@code argon2} password hashing with the hash computed by {@link Argon2Hasher}'s engine: the same
 * stored credential (algorithm {@code argon2}, Base64 of the raw hash, Keycloak's parameter names), the same
 * re-hash rule ({@link #policyCheck}: every parameter must equal the configured ones) and the same handling of
 * the policy's {@code hashIterations}. Stateless: one instance serves every session.
 */
final class Argon2HashProvider implements PasswordHashProvider {

    private static final Logger LOG = Logger.getLogger(Argon2HashProvider.class);

    private final Argon2Spec configured;
    private final Argon2Hasher hasher;
    private final AtomicBoolean iterationsWarned = new AtomicBoolean();

    Argon2HashProvider(Argon2Spec configured, Argon2Hasher hasher) {
        this.configured = configured;
        this.hasher = hasher;
    }

    @Override
    public boolean policyCheck(PasswordPolicy policy, PasswordCredentialModel credential) {
        return configured.matches(credential);
    }

    /**
     * As Keycloak's: the policy's hashIterations (-1 when unset) applies only up to 100, since its default of
     * 210000 is meant for PBKDF2; Keycloak logs that on every hash, this provider once.
     */
    @Override
    public PasswordCredentialModel encodedCredential(String rawPassword, int iterations) {
        if (iterations == -1) {
            iterations = configured.iterations();
        } else if (iterations > 100) {
            if (iterationsWarned.compareAndSet(false, true)) {
                LOG.warn("Iterations for Argon should be less than 100, using default");
            }
            iterations = configured.iterations();
        }
        Argon2Spec spec = configured.withIterations(iterations);
        byte[] salt = Salt.generateSalt();
        String encoded = Base64.getEncoder().encodeToString(hasher.hash(rawPassword, salt, spec));
        return PasswordCredentialModel.createFromValues(Argon2HashProviderFactory.ID, salt, iterations,
                spec.additionalParameters(), encoded);
    }

    @Override
    public boolean verify(String rawPassword, PasswordCredentialModel credential) {
        Argon2Spec spec = Argon2Spec.of(credential);
        byte[] salt = credential.getPasswordSecretData().getSalt();
        String computed = Base64.getEncoder().encodeToString(hasher.hash(rawPassword, salt, spec));
        String stored = credential.getPasswordSecretData().getValue();
        return stored != null && MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                stored.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String credentialHashingStrength(PasswordCredentialModel credential) {
        return Argon2Spec.strengthOf(credential);
    }

    @Override
    public void close() {
        // shared by every session; the factory owns it
    }
}
