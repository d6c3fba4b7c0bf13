package dev.appauth.keycloak.token;

/** The token of an email-verification link: valid for the address it was mailed to only. */
public class EmailVerificationActionToken extends AccountActionToken {

    public static final String TOKEN_TYPE = "app-auth-verify-email";

    public EmailVerificationActionToken(String userId, int absoluteExpirationInSecs, String email, String clientId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, email, clientId);
    }

    private EmailVerificationActionToken() {
    }
}
