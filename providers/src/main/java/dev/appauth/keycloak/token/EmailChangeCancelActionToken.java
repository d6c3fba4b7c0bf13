package dev.appauth.keycloak.token;

import java.util.Objects;

import org.keycloak.models.UserModel;

/**
 * The link mailed to the old address with the notice of a requested change: before the confirmation it cancels the
 * change; after it, it puts the old address back (someone with the password may have confirmed an address of their
 * own). So it stays bound while the account has either address.
 */
public class EmailChangeCancelActionToken extends EmailChangeToken {

    public static final String TOKEN_TYPE = "app-auth-email-change-cancel";

    public EmailChangeCancelActionToken(String userId, int absoluteExpirationInSecs, String oldEmail, String newEmail,
                                        String changeId, String clientId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, oldEmail, newEmail, changeId, clientId);
    }

    private EmailChangeCancelActionToken() {
    }

    @Override
    public boolean isBoundTo(UserModel user) {
        return user != null && user.isEnabled() && user.getId().equals(getUserId())
                && (Objects.equals(getEmail(), user.getEmail()) || Objects.equals(getNewEmail(), user.getEmail()));
    }
}
