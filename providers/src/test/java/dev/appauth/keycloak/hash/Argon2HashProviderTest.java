package dev.appauth.keycloak.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.models.credential.PasswordCredentialModel;

/** The stored credential is Keycloak's own, in both directions, and re-hashing follows Keycloak's rule. */
class Argon2HashProviderTest {

    private static final Argon2Spec DEFAULT = Argon2Spec.KEYCLOAK_DEFAULT;
    private final Argon2HashProvider provider = new Argon2HashProvider(DEFAULT,
            new Argon2Hasher(Argon2HashProviderFactory.engine(Argon2Config.Implementation.NATIVE), 2));

    /** A credential as Keycloak's Argon2PasswordHashProvider.encodedCredential writes it (its code path, BouncyCastle). */
    static PasswordCredentialModel keycloakCredential(String password, byte[] salt, Argon2Spec spec) {
        Map<String, List<String>> parameters = new HashMap<>();
        parameters.put("version", List.of(spec.version()));
        parameters.put("type", List.of(spec.type()));
        parameters.put("hashLength", List.of(Integer.toString(spec.hashLength())));
        parameters.put("memory", List.of(Integer.toString(spec.memory())));
        parameters.put("parallelism", List.of(Integer.toString(spec.parallelism())));
        String encoded = Base64.getEncoder().encodeToString(Argon2EnginesTest.keycloakBouncyCastle(password, salt, spec));
        return PasswordCredentialModel.createFromValues("argon2", salt, spec.iterations(), parameters, encoded);
    }

    @Test
    void writesKeycloaksFormatAndKeycloaksCodeVerifiesIt() {
        PasswordCredentialModel written = provider.encodedCredential("velvet tractor harbour 91", -1);

        assertThat(written.getPasswordCredentialData().getAlgorithm()).isEqualTo("argon2");
        assertThat(written.getPasswordCredentialData().getHashIterations()).isEqualTo(5);
        assertThat(written.getPasswordCredentialData().getAdditionalParameters())
                .containsEntry("type", List.of("id")).containsEntry("version", List.of("1.3"))
                .containsEntry("hashLength", List.of("32")).containsEntry("memory", List.of("7168"))
                .containsEntry("parallelism", List.of("1")).hasSize(5);
        byte[] salt = written.getPasswordSecretData().getSalt();
        assertThat(salt).hasSize(16);
        // what Keycloak's verify computes for this credential: its BouncyCastle call on the stored salt and parameters
        assertThat(written.getPasswordSecretData().getValue())
                .isEqualTo(keycloakCredential("velvet tractor harbour 91", salt, DEFAULT).getPasswordSecretData().getValue());
    }

    @Test
    void verifiesWhatKeycloakWroteWhateverItsParameters() {
        byte[] salt = "0123456789abcdef".getBytes();
        for (Argon2Spec spec : List.of(DEFAULT, new Argon2Spec("i", "1.0", 16, 1024, 3, 2), new Argon2Spec("d", "1.3", 64, 512, 1, 1))) {
            PasswordCredentialModel stock = keycloakCredential("copper lantern \u00e9 47", salt, spec);
            assertThat(provider.verify("copper lantern \u00e9 47", stock)).as(spec.toString()).isTrue();
            assertThat(provider.verify("copper lantern e 47", stock)).as(spec.toString()).isFalse();
            assertThat(provider.verify("", stock)).isFalse();
        }
    }

    @Test
    void sameParametersNeedNoRehashAnyDifferenceDoes() {
        byte[] salt = new byte[16];
        assertThat(provider.policyCheck(null, keycloakCredential("p", salt, DEFAULT))).isTrue();
        assertThat(provider.policyCheck(null, provider.encodedCredential("p", -1))).isTrue();
        for (Argon2Spec other : List.of(new Argon2Spec("i", "1.3", 32, 7168, 5, 1), new Argon2Spec("id", "1.0", 32, 7168, 5, 1),
                new Argon2Spec("id", "1.3", 64, 7168, 5, 1), new Argon2Spec("id", "1.3", 32, 4096, 5, 1),
                new Argon2Spec("id", "1.3", 32, 7168, 3, 1), new Argon2Spec("id", "1.3", 32, 7168, 5, 2))) {
            assertThat(provider.policyCheck(null, keycloakCredential("p", salt, other))).as(other.toString()).isFalse();
        }
        PasswordCredentialModel lacking = PasswordCredentialModel.createFromValues("argon2", salt, 5, Map.of(), "x");
        assertThat(provider.policyCheck(null, lacking)).isFalse();
    }

    @Test
    void policyIterationsAsKeycloakHandlesThem() {
        assertThat(provider.encodedCredential("p", 3).getPasswordCredentialData().getHashIterations()).isEqualTo(3);
        // PBKDF2's 210000 is ignored for argon2, as Keycloak does
        assertThat(provider.encodedCredential("p", 210_000).getPasswordCredentialData().getHashIterations()).isEqualTo(5);
        PasswordCredentialModel three = provider.encodedCredential("p", 3);
        assertThat(provider.verify("p", three)).isTrue();
        assertThat(provider.policyCheck(null, three)).isFalse();
    }

    @Test
    void aCredentialLackingParametersIsRefusedNotGuessed() {
        PasswordCredentialModel lacking = PasswordCredentialModel.createFromValues("argon2", new byte[16], 5,
                Map.of("type", List.of("id"), "version", List.of("1.3")), "x");
        assertThatThrownBy(() -> provider.verify("p", lacking)).isInstanceOf(IllegalArgumentException.class);
        // the metrics tag Keycloak asks for after a failed verify must not fail in turn
        assertThat(provider.credentialHashingStrength(lacking)).isEqualTo("Argon2id-1.3[m=null,t=5,p=null]");
        assertThat(provider.credentialHashingStrength(keycloakCredential("p", new byte[16], DEFAULT)))
                .isEqualTo("Argon2id-1.3[m=7168,t=5,p=1]");
    }

    @Test
    void saltsDifferEveryTime() {
        assertThat(provider.encodedCredential("p", -1).getPasswordSecretData().getValue())
                .isNotEqualTo(provider.encodedCredential("p", -1).getPasswordSecretData().getValue());
    }
}
