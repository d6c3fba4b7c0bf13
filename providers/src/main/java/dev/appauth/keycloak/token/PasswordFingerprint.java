package dev.appauth.keycloak.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

import org.keycloak.credential.CredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Identifies the current password of an account without revealing anything about it: a hash of the password
 * credential's id and creation time. Keycloak keeps the credential id when a password changes but sets a new
 * creation time, so the fingerprint changes with every new password.
 */
public final class PasswordFingerprint {

    private PasswordFingerprint() {
    }

    public static String of(UserModel user) {
        CredentialModel password = user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .findFirst().orElse(null);
        return password == null ? of(null, null) : of(password.getId(), password.getCreatedDate());
    }

    static String of(String credentialId, Long createdDate) {
        String input = (credentialId == null ? "-" : credentialId) + ":" + (createdDate == null ? "-" : createdDate);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
