package dev.appauth.keycloak.hash;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.credential.dto.PasswordCredentialData;

/**
 * The parameters of one argon2 hash, named and stored exactly as Keycloak's own argon2 provider does
 * (credential data: {@code hashIterations} plus the additional parameters {@code type}, {@code version},
 * {@code hashLength}, {@code memory} in KiB, {@code parallelism}), so that either implementation reads what the
 * other wrote.
 */
record Argon2Spec(String type, String version, int hashLength, int memory, int iterations, int parallelism) {

    static final String TYPE = "type";
    static final String VERSION = "version";
    static final String HASH_LENGTH = "hashLength";
    static final String MEMORY = "memory";
    static final String PARALLELISM = "parallelism";

    /** Keycloak's Argon2Parameters, in the order Keycloak lists them. */
    static final Set<String> TYPES = Set.of("id", "d", "i");
    static final Set<String> VERSIONS = Set.of("1.3", "1.0");

    /** Keycloak 26.7's defaults (Argon2Parameters): argon2id 1.3, 32 bytes, 7 MiB, 5 passes, 1 lane. */
    static final Argon2Spec KEYCLOAK_DEFAULT = new Argon2Spec("id", "1.3", 32, 7168, 5, 1);

    Argon2Spec {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("argon2 type must be one of id, d, i, not '" + type + "'");
        }
        if (!VERSIONS.contains(version)) {
            throw new IllegalArgumentException("argon2 version must be 1.3 or 1.0, not '" + version + "'");
        }
        // the bounds of the argon2 specification (RFC 9106, 3.1), which both implementations enforce anyway
        if (hashLength < 4) {
            throw new IllegalArgumentException("argon2 hashLength must be at least 4 bytes");
        }
        if (parallelism < 1 || parallelism > 0xFFFFFF) {
            throw new IllegalArgumentException("argon2 parallelism must be between 1 and 2^24-1");
        }
        if (memory < 8 * parallelism) {
            throw new IllegalArgumentException("argon2 memory must be at least 8 KiB per lane");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("argon2 iterations must be at least 1");
        }
    }

    Argon2Spec withIterations(int newIterations) {
        return new Argon2Spec(type, version, hashLength, memory, newIterations, parallelism);
    }

    /** The parameters a stored credential was hashed with; refuses (as Keycloak does) a credential lacking one. */
    static Argon2Spec of(PasswordCredentialModel credential) {
        PasswordCredentialData data = credential.getPasswordCredentialData();
        MultivaluedHashMap<String, String> p = data.getAdditionalParameters();
        if (p == null) {
            throw new IllegalArgumentException("argon2 credential without parameters");
        }
        return new Argon2Spec(p.getFirst(TYPE), p.getFirst(VERSION), number(p, HASH_LENGTH), number(p, MEMORY),
                data.getHashIterations(), number(p, PARALLELISM));
    }

    /** Whether a stored credential was hashed with exactly these parameters (Keycloak's policyCheck). */
    boolean matches(PasswordCredentialModel credential) {
        PasswordCredentialData data = credential.getPasswordCredentialData();
        MultivaluedHashMap<String, String> p = data.getAdditionalParameters();
        return p != null && iterations == data.getHashIterations()
                && type.equals(p.getFirst(TYPE)) && version.equals(p.getFirst(VERSION))
                && String.valueOf(hashLength).equals(p.getFirst(HASH_LENGTH))
                && String.valueOf(memory).equals(p.getFirst(MEMORY))
                && String.valueOf(parallelism).equals(p.getFirst(PARALLELISM));
    }

    /** The additional parameters of a credential hashed with these parameters, as Keycloak writes them. */
    Map<String, List<String>> additionalParameters() {
        return Map.of(VERSION, List.of(version), TYPE, List.of(type), HASH_LENGTH, List.of(Integer.toString(hashLength)),
                MEMORY, List.of(Integer.toString(memory)), PARALLELISM, List.of(Integer.toString(parallelism)));
    }

    /**
     * Keycloak's credentialHashingStrength text, e.g. {@code Argon2id-1.3[m=7168,t=5,p=1]} (a tag of Keycloak's
     * password-validation metric); like Keycloak's, it never fails on a credential lacking a parameter.
     */
    static String strengthOf(PasswordCredentialModel credential) {
        PasswordCredentialData data = credential.getPasswordCredentialData();
        MultivaluedHashMap<String, String> p = data.getAdditionalParameters() != null ? data.getAdditionalParameters() : new MultivaluedHashMap<>();
        return String.format("Argon2%s-%s[m=%s,t=%d,p=%s]", p.getFirst(TYPE), p.getFirst(VERSION), p.getFirst(MEMORY),
                data.getHashIterations(), p.getFirst(PARALLELISM));
    }

    private static int number(MultivaluedHashMap<String, String> p, String key) {
        String value = p.getFirst(key);
        if (value == null) {
            throw new IllegalArgumentException("argon2 credential without '" + key + "'");
        }
        return Integer.parseInt(value);
    }
}
