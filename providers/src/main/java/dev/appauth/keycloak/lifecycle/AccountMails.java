package dev.appauth.keycloak.lifecycle;

import java.net.URI;
import java.util.Map;

import dev.appauth.keycloak.email.AccountEmail;
import dev.appauth.keycloak.email.MailQueueProvider;
import dev.appauth.keycloak.token.ActionLinks;
import dev.appauth.keycloak.token.ActionTokenKind;
import dev.appauth.keycloak.token.ActionTokens;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The account mails of the lifecycle flows. Each is queued to be sent after the request commits; everything
 * that depends on the account (looking the address up, issuing the token, building the link, the SEND_* event)
 * happens on the mail worker, so a request that names an address takes the same time whether or not an account
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
        if (!canLink()) {
            return;
        }
        URI base = baseUri;
        String ip = ipAddress;
        queue.sendAfterCommit("password-reset", (session, realm) -> {
            UserModel user = session.users().getUserByEmail(realm, email);
            if (user == null || !user.isEnabled()) {
                return false;
            }
            return sendLink(session, realm, user, clientId, base, ActionTokenKind.RESET_PASSWORD, AccountEmail.PASSWORD_RESET,
                    event(session, realm, EventType.SEND_RESET_PASSWORD, ip, clientId, user));
        });
    }

    /** A verification link to the account with this address, unless there is none or it is verified already. */
    public void verificationTo(String email, String clientId) {
        if (!canLink()) {
            return;
        }
        URI base = baseUri;
        String ip = ipAddress;
        queue.sendAfterCommit("email-verification", (session, realm) ->
                sendVerification(session, realm, session.users().getUserByEmail(realm, email), clientId, base, ip));
    }

    /** A verification link to the user's current address, unless it is verified by the time the mail goes out. */
    public void verificationTo(UserModel user, String clientId) {
        if (!canLink()) {
            return;
        }
        URI base = baseUri;
        String ip = ipAddress;
        String userId = user.getId();
        queue.sendAfterCommit("email-verification", (session, realm) ->
                sendVerification(session, realm, session.users().getUserById(realm, userId), clientId, base, ip));
    }

    /** Tells the owner of the account that its password was just changed. */
    public void passwordChanged(UserModel user) {
        String userId = user.getId();
        queue.sendAfterCommit("password-changed", (session, realm) -> {
            UserModel current = session.users().getUserById(realm, userId);
            if (current == null || current.getEmail() == null) {
                return false;
            }
            AccountEmail.PASSWORD_CHANGED.send(session, realm, current, Map.of());
            return true;
        });
    }

    /** Tells the owner of an address that someone tried to register it again (strict registration mode). */
    public void accountExists(String email) {
        queue.sendAfterCommit("account-exists", (session, realm) -> {
            UserModel user = session.users().getUserByEmail(realm, email);
            if (user == null || !user.isEnabled()) {
                return false;
            }
            AccountEmail.ACCOUNT_EXISTS.send(session, realm, user, Map.of());
            return true;
        });
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

    private static boolean sendVerification(KeycloakSession session, RealmModel realm, UserModel user, String clientId,
                                            URI baseUri, String ip) throws EmailException {
        if (user == null || !user.isEnabled() || user.isEmailVerified() || user.getEmail() == null) {
            return false;
        }
        return sendLink(session, realm, user, clientId, baseUri, ActionTokenKind.VERIFY_EMAIL, AccountEmail.VERIFY_EMAIL,
                event(session, realm, EventType.SEND_VERIFY_EMAIL, ip, clientId, user));
    }

    private static boolean sendLink(KeycloakSession session, RealmModel realm, UserModel user, String clientId, URI baseUri,
                                    ActionTokenKind kind, AccountEmail mail, EventBuilder event) throws EmailException {
        ActionTokens tokens = new ActionTokens(session, realm);
        String token = tokens.issue(kind, user, clientId, baseUri);
        String link = ActionLinks.link(realm.getClientByClientId(clientId), baseUri, realm.getName(), token, kind);
        try {
            mail.send(session, realm, user, Map.of("link", link,
                    "linkExpirationMinutes", Math.max(1, tokens.lifespanSeconds(kind) / 60)));
        } catch (EmailException e) {
            event.error(Errors.EMAIL_SEND_FAILED);
            throw e;
        }
        event.success();
        return true;
    }

    private static EventBuilder event(KeycloakSession session, RealmModel realm, EventType type, String ip, String clientId,
                                      UserModel user) {
        return new EventBuilder(realm, session).event(type).ipAddress(ip).client(clientId).user(user)
                .detail(Details.USERNAME, user.getUsername()).detail(Details.EMAIL, user.getEmail());
    }
}
