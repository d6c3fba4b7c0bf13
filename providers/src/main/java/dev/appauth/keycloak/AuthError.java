package dev.appauth.keycloak;

/**
 * The API's error codes, as the use cases report them. Only the REST layer knows which HTTP status and
 * headers each one answers with; below it an error is a code, a human description and field errors.
 * Two constants may share a wire code where the API uses one word for two situations (an access token
 * and a mailed link are both "invalid_token", with different statuses).
 */
public enum AuthError {
    INVALID_REQUEST("invalid_request"),
    WEAK_PASSWORD("weak_password"),
    /** client_id unknown, disabled or not allowed for the API. */
    INVALID_CLIENT("invalid_client"),
    /** A confidential client whose credentials are missing or wrong. */
    CLIENT_AUTHENTICATION_FAILED("invalid_client"),
    UNAUTHORIZED_CLIENT("unauthorized_client"),
    /** A mailed link's token: malformed, tampered, expired, spent or no longer bound to the account. */
    INVALID_LINK("invalid_token"),
    INVALID_CREDENTIALS("invalid_credentials"),
    INVALID_GRANT("invalid_grant"),
    /** A missing, invalid, expired or revoked access token. */
    INVALID_ACCESS_TOKEN("invalid_token"),
    EMAIL_NOT_VERIFIED("email_not_verified"),
    /** The password was right; the account has a second factor: finish with /auth/login/mfa and the mfa_token. */
    MFA_REQUIRED("mfa_required"),
    /** A wrong one-time or recovery code; the challenge or enrollment may allow another attempt. */
    INVALID_MFA_CODE("invalid_mfa_code"),
    /** A change to the account's sign-in needs the current password or a recent login. */
    REAUTHENTICATION_REQUIRED("reauthentication_required"),
    /** The request needs a second factor that the account does not have. */
    MFA_NOT_ENROLLED("mfa_not_enrolled"),
    ACCOUNT_SETUP_REQUIRED("account_setup_required"),
    INVALID_ORIGIN("invalid_origin"),
    /** The realm's "Require SSL" applies to this caller and the request came over plain HTTP. */
    HTTPS_REQUIRED("https_required"),
    /** The realm is disabled. */
    REALM_DISABLED("access_denied"),
    /** A client policy of the realm refused the request. */
    CLIENT_POLICY_REFUSED("access_denied"),
    NOT_FOUND("not_found"),
    METHOD_NOT_ALLOWED("method_not_allowed"),
    EMAIL_TAKEN("email_taken"),
    USERNAME_TAKEN("username_taken"),
    /** The account changed under a concurrent request. */
    CONFLICT("conflict"),
    REQUEST_TOO_LARGE("request_too_large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
    RATE_LIMITED("rate_limited"),
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable"),
    SERVER_ERROR("server_error");

    private final String code;

    AuthError(String code) {
        this.code = code;
    }

    /** The value of the response's {@code error} field. */
    public String code() {
        return code;
    }
}
