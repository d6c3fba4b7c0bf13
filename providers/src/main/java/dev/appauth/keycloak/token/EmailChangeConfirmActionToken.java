package dev.appauth.keycloak.token;

/** The link mailed to the new address: opening it proves the address and makes the change. */
public class EmailChangeConfirmActionToken extends EmailChangeToken {

    public static final String TOKEN_TYPE = "app-auth-email-change";

    public EmailChangeConfirmActionToken(String userId, int absoluteExpirationInSecs, String oldEmail, String newEmail,
                                         String changeId, String clientId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, oldEmail, newEmail, changeId, clientId);
    }

    private EmailChangeConfirmActionToken() {
    }
}
