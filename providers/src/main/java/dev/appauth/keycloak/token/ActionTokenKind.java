package dev.appauth.keycloak.token;

/**
 * The action tokens of the /auth API.
 *
 * @param linkType     the {@code type} query parameter of a link to the app's own page
 * @param lifespanType the Keycloak action-token type whose lifespan override applies: the admin console offers
 *                     overrides for Keycloak's own types only (Realm settings, Tokens, Override action tokens:
 *                     "Forgot password" and "Email verification"), so the API's tokens follow those
 */
public enum ActionTokenKind {

    RESET_PASSWORD(PasswordResetActionToken.TOKEN_TYPE, PasswordResetActionToken.class, "reset-password", "reset-credentials"),
    VERIFY_EMAIL(EmailVerificationActionToken.TOKEN_TYPE, EmailVerificationActionToken.class, "verify-email", "verify-email"),
    /** Proves the new address of an email change; Keycloak's own update-email link follows "verify-email" too. */
    CONFIRM_EMAIL_CHANGE(EmailChangeConfirmActionToken.TOKEN_TYPE, EmailChangeConfirmActionToken.class, "confirm-email-change", "verify-email"),
    CANCEL_EMAIL_CHANGE(EmailChangeCancelActionToken.TOKEN_TYPE, EmailChangeCancelActionToken.class, "cancel-email-change", "verify-email");

    private final String tokenType;
    private final Class<? extends AccountActionToken> tokenClass;
    private final String linkType;
    private final String lifespanType;

    ActionTokenKind(String tokenType, Class<? extends AccountActionToken> tokenClass, String linkType, String lifespanType) {
        this.tokenType = tokenType;
        this.tokenClass = tokenClass;
        this.linkType = linkType;
        this.lifespanType = lifespanType;
    }

    public String tokenType() {
        return tokenType;
    }

    public Class<? extends AccountActionToken> tokenClass() {
        return tokenClass;
    }

    public String linkType() {
        return linkType;
    }

    public String lifespanType() {
        return lifespanType;
    }
}
