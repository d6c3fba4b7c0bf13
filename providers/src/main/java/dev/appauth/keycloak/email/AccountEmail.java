package dev.appauth.keycloak.email;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.UserModelDelegate;

/**
 * The account mails of the email theme ({@code themes/app-auth/email}): each a template under {@code html/} and
 * {@code text/} and a localised subject in {@code messages/}. Keycloak's EmailTemplateProvider renders them
 * with the realm's email theme in the user's locale (the {@code locale} attribute, else the realm default).
 */
public enum AccountEmail {

    VERIFY_EMAIL("appAuthVerifyEmailSubject", "app-auth-verify-email.ftl"),
    PASSWORD_RESET("appAuthPasswordResetSubject", "app-auth-password-reset.ftl"),
    PASSWORD_CHANGED("appAuthPasswordChangedSubject", "app-auth-password-changed.ftl"),
    ACCOUNT_EXISTS("appAuthAccountExistsSubject", "app-auth-account-exists.ftl"),
    /** The one-time sign-in code (and link) of /auth/otp. */
    EMAIL_CODE("appAuthEmailCodeSubject", "app-auth-email-code.ftl"),
    /** To the new address of an email change, with the confirmation link. */
    EMAIL_CHANGE_CONFIRM("appAuthEmailChangeConfirmSubject", "app-auth-email-change-confirm.ftl"),
    /** To the old address of an email change, with the cancel link. */
    EMAIL_CHANGE_NOTICE("appAuthEmailChangeNoticeSubject", "app-auth-email-change-notice.ftl"),
    /** The security notices share one template; its {@code notice} attribute names the message (see SecurityNotice). */
    MFA_ADDED("appAuthMfaAddedSubject", AccountEmail.SECURITY_NOTICE_TEMPLATE),
    MFA_REMOVED("appAuthMfaRemovedSubject", AccountEmail.SECURITY_NOTICE_TEMPLATE),
    RECOVERY_CODE_USED("appAuthRecoveryCodeUsedSubject", AccountEmail.SECURITY_NOTICE_TEMPLATE),
    RECOVERY_CODES_REGENERATED("appAuthRecoveryCodesRegeneratedSubject", AccountEmail.SECURITY_NOTICE_TEMPLATE);

    private static final String SECURITY_NOTICE_TEMPLATE = "app-auth-security-notice.ftl";

    private final String subjectKey;
    private final String template;

    AccountEmail(String subjectKey, String template) {
        this.subjectKey = subjectKey;
        this.template = template;
    }

    public String subjectKey() {
        return subjectKey;
    }

    public String template() {
        return template;
    }

    /** The message-key stem of a security notice's body: the subject key without "Subject". */
    public String messageStem() {
        return subjectKey.substring(0, subjectKey.length() - "Subject".length());
    }

    /**
     * Renders the mail for the user (locale, name) and sends it to another address, now: the new address of an email
     * change, or the old one once the account may have another (as Keycloak's own update-email confirmation does).
     */
    public void sendTo(KeycloakSession session, RealmModel realm, UserModel user, String address, Map<String, Object> attributes)
            throws EmailException {
        send(session, realm, new UserModelDelegate(user) {
            @Override
            public String getEmail() {
                return address;
            }
        }, attributes);
    }

    /** Renders and sends the mail to the user's address, now, on the calling thread. */
    public void send(KeycloakSession session, RealmModel realm, UserModel user, Map<String, Object> attributes)
            throws EmailException {
        // the template provider adds its own entries to the map it is given
        session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                .send(subjectKey, template, new HashMap<>(attributes));
    }
}
