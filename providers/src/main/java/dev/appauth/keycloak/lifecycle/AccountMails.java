package dev.appauth.keycloak.lifecycle;

import java.net.URI;

import dev.appauth.keycloak.email.MailQueueProvider;
import dev.appauth.keycloak.token.PublicUrl;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * The account mails of the lifecycle flows. Each is stored as an intent ({@link AccountMailIntents}) in the mail
 * outbox, in the request's transaction, and sent after the request commits; everything that depends on the account
 * happens when the mail goes out, so a request that names an address takes the same time whether or not an account
 * has it.
 */
public final class AccountMails {

    private static final Logger LOG = Logger.getLogger(AccountMails.class);

    private final MailQueueProvider queue;
    private final URI baseUri;
    private final String ipAddress;

    public AccountMails(KeycloakSession session) {
        this.queue = session.getProvider(MailQueueProvider.class);
        this.baseUri = PublicUrl.of(session);
        this.ipAddress = session.getContext().getConnection().getRemoteHost();
    }

    /** A password-reset link to the account with this address, if there is an enabled one. */
    public void passwordResetTo(String email, String clientId) {
        if (canLink()) {
            queue.queue(new AccountMailIntents.PasswordReset(email, clientId, baseUri.toString(), ipAddress));
        }
    }

    /** A verification link to the account with this address, unless there is none or it is verified already. */
    public void verificationTo(String email, String clientId) {
        if (canLink()) {
            queue.queue(new AccountMailIntents.Verification(email, null, clientId, baseUri.toString(), ipAddress));
        }
    }

    /** A verification link to the user's current address, unless it is verified by the time the mail goes out. */
    public void verificationTo(UserModel user, String clientId) {
        if (canLink()) {
            queue.queue(new AccountMailIntents.Verification(null, user.getId(), clientId, baseUri.toString(), ipAddress));
        }
    }

    /** Tells the owner of the account that its password was just changed. */
    public void passwordChanged(UserModel user, String clientId) {
        queue.queue(new AccountMailIntents.PasswordChanged(user.getId(), clientId, baseUri == null ? null : baseUri.toString()));
    }

    /**
     * The two mails of a requested email change: the confirmation link to the new address, and the notice with the
     * cancel link to the current one.
     */
    public void emailChangeRequested(UserModel user, String newEmail, String changeId, String clientId) {
        if (canLink()) {
            queue.queue(new AccountMailIntents.EmailChangeConfirmation(user.getId(), user.getEmail(), newEmail, changeId,
                    clientId, baseUri.toString(), ipAddress));
            queue.queue(new AccountMailIntents.EmailChangeNotice(user.getId(), user.getEmail(), newEmail, changeId, clientId,
                    baseUri.toString()));
        }
    }

    /** Tells the owner of an address that someone tried to register it again (strict registration mode). */
    public void accountExists(String email) {
        queue.queue(new AccountMailIntents.AccountExists(email));
    }

    /**
     * Mails with links need a configured public URL; without one they are not sent at all (the caller's answer does
     * not change, so nothing is revealed), and the log says what to configure.
     */
    private boolean canLink() {
        if (baseUri == null) {
            LOG.error("A link mail was not sent: no public URL is configured. Set Keycloak's hostname option "
                    + "(e.g. --hostname=https://auth.example.com) or the realm's Frontend URL.");
            return false;
        }
        return true;
    }
}
