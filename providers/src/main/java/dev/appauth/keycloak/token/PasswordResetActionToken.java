package dev.appauth.keycloak.token;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.models.UserModel;

/**
 * The token of a password-reset link. It carries a fingerprint of the password credential it was issued
 * against, so it dies as soon as the password changes by any route (another reset, change-password, the admin).
 */
public class PasswordResetActionToken extends AccountActionToken {

    public static final String TOKEN_TYPE = "app-auth-reset-password";

    private static final String JSON_FIELD_PASSWORD = "pwd";

    @JsonProperty(JSON_FIELD_PASSWORD)
    private String passwordFingerprint;

    public PasswordResetActionToken(String userId, int absoluteExpirationInSecs, String email, String clientId,
                                    String passwordFingerprint) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, email, clientId);
        this.passwordFingerprint = passwordFingerprint;
    }

    private PasswordResetActionToken() {
    }

    public String getPasswordFingerprint() {
        return passwordFingerprint;
    }

    @Override
    public boolean isBoundTo(UserModel user) {
        return super.isBoundTo(user) && Objects.equals(passwordFingerprint, PasswordFingerprint.of(user));
    }
}
