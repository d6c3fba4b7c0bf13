package dev.appauth.keycloak.lifecycle;

import java.util.Map;

import dev.appauth.keycloak.email.MailKinds;
import dev.appauth.keycloak.email.MailTask;
import dev.appauth.keycloak.email.SecurityNotice;

/**
 * Registers the account-mail intents with the outbox (listed in META-INF/services). The names are stored in the
 * outbox's KIND column and appear in its log lines: keep them stable.
 */
public final class AccountMailKinds implements MailKinds {

    @Override
    public Map<String, Class<? extends MailTask>> kinds() {
        return Map.of(
                "password-reset", AccountMailIntents.PasswordReset.class,
                "email-verification", AccountMailIntents.Verification.class,
                "password-changed", AccountMailIntents.PasswordChanged.class,
                "account-exists", AccountMailIntents.AccountExists.class,
                "email-change-confirmation", AccountMailIntents.EmailChangeConfirmation.class,
                "email-change-notice", AccountMailIntents.EmailChangeNotice.class,
                SecurityNotice.KIND, SecurityNotice.Mail.class,
                EmailCodeLogin.KIND, EmailCodeLogin.CodeMail.class);
    }
}
