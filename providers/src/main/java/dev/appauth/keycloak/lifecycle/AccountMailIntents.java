package dev.appauth.keycloak.lifecycle;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

import dev.appauth.keycloak.email.AccountEmail;
import dev.appauth.keycloak.email.MailTask;
import dev.appauth.keycloak.email.SecurityNotice;
import dev.appauth.keycloak.token.ActionLinks;
import dev.appauth.keycloak.token.ActionTokenKind;
import dev.appauth.keycloak.token.ActionTokens;
import org.keycloak.email.EmailException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The account mails as outbox intents: records of ids and strings that the outbox stores as JSON (under the kinds of
 * {@link AccountMailKinds}) and carries out later, possibly on another node. Everything that depends on the account
 * — looking the address up, issuing the token, building the link, the SEND_* event — happens in {@code send}, on the
 * mail worker, so the request that queued the intent takes the same time whether or not an account has the address.
 * Renaming a field breaks intents stored by an older release: add fields, never rename them.
 */
public final class AccountMailIntents {

    private AccountMailIntents() {
    }

    /** A password-reset link to the enabled account with this address, if there is one. */
    public record PasswordReset(String email, String clientId, String baseUri, String ip) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            UserModel user = session.users().getUserByEmail(realm, email);
            if (user == null || !user.isEnabled()) {
                return false;
            }
            return sendLink(session, realm, user, clientId, URI.create(baseUri), ActionTokenKind.RESET_PASSWORD,
                    AccountEmail.PASSWORD_RESET, event(session, realm, EventType.SEND_RESET_PASSWORD, ip, clientId, user));
        }
    }

    /**
     * A verification link to the account with this address (or, when {@code userId} is set, to that user's current
     * address), unless there is none or it is verified by the time the mail goes out.
     */
    public record Verification(String email, String userId, String clientId, String baseUri, String ip) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            UserModel user = userId != null ? session.users().getUserById(realm, userId) : session.users().getUserByEmail(realm, email);
            if (user == null || !user.isEnabled() || user.isEmailVerified() || user.getEmail() == null) {
                return false;
            }
            return sendLink(session, realm, user, clientId, URI.create(baseUri), ActionTokenKind.VERIFY_EMAIL,
                    AccountEmail.VERIFY_EMAIL, event(session, realm, EventType.SEND_VERIFY_EMAIL, ip, clientId, user));
        }
    }

    /**
     * Tells the owner of the account that its password was just changed, with a reset link for "this was not me"
     * (intents queued before the link existed have no client or base URI and go out without it).
     */
    public record PasswordChanged(String userId, String clientId, String baseUri) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            UserModel user = session.users().getUserById(realm, userId);
            if (user == null || user.getEmail() == null) {
                return false;
            }
            AccountEmail.PASSWORD_CHANGED.send(session, realm, user, SecurityNotice.resetLink(session, realm, user, clientId, baseUri));
            return true;
        }
    }

    /** Tells the owner of an address that someone tried to register it again (strict registration mode). */
    public record AccountExists(String email) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            UserModel user = session.users().getUserByEmail(realm, email);
            if (user == null || !user.isEnabled()) {
                return false;
            }
            AccountEmail.ACCOUNT_EXISTS.send(session, realm, user, Map.of());
            return true;
        }
    }

    /**
     * The confirmation link of an email change, to the new address, while the account still has the old one (the
     * token is bound to it) — else the change is over and nothing is sent.
     */
    public record EmailChangeConfirmation(String userId, String oldEmail, String newEmail, String changeId, String clientId,
                                          String baseUri, String ip) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            UserModel user = sendEmailChangeLink(session, realm, userId, oldEmail, newEmail, changeId, clientId, baseUri,
                    ActionTokenKind.CONFIRM_EMAIL_CHANGE, AccountEmail.EMAIL_CHANGE_CONFIRM, newEmail);
            if (user == null) {
                return false;
            }
            event(session, realm, EventType.SEND_VERIFY_EMAIL, ip, clientId, user).detail(Details.UPDATED_EMAIL, newEmail).success();
            return true;
        }
    }

    /** The notice of a requested email change, to the old address, with the link that cancels or undoes it. */
    public record EmailChangeNotice(String userId, String oldEmail, String newEmail, String changeId, String clientId,
                                    String baseUri) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            return sendEmailChangeLink(session, realm, userId, oldEmail, newEmail, changeId, clientId, baseUri,
                    ActionTokenKind.CANCEL_EMAIL_CHANGE, AccountEmail.EMAIL_CHANGE_NOTICE, oldEmail) != null;
        }
    }

    /**
     * Mails one of the two links of an email change to {@code to}, while the account still has the old address (the
     * tokens are bound to it; otherwise the change is over and nothing is sent). Returns the user, or null if nothing
     * was sent.
     */
    private static UserModel sendEmailChangeLink(KeycloakSession session, RealmModel realm, String userId, String oldEmail,
                                                 String newEmail, String changeId, String clientId, String baseUri,
                                                 ActionTokenKind kind, AccountEmail mail, String to) throws EmailException {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null || !user.isEnabled() || !Objects.equals(oldEmail, user.getEmail())) {
            return null;
        }
        ActionTokens tokens = new ActionTokens(session, realm);
        String token = tokens.issueEmailChange(kind, user, newEmail, changeId, clientId, URI.create(baseUri));
        mail.sendTo(session, realm, user, to, Map.of(
                "link", ActionLinks.link(realm.getClientByClientId(clientId), URI.create(baseUri), realm.getName(), token, kind),
                "linkExpirationMinutes", Math.max(1, tokens.lifespanSeconds(kind) / 60), "newEmail", newEmail));
        return user;
    }

    private static boolean sendLink(KeycloakSession session, RealmModel realm, UserModel user, String clientId, URI baseUri,
                                    ActionTokenKind kind, AccountEmail mail, EventBuilder event) throws EmailException {
        ActionTokens tokens = new ActionTokens(session, realm);
        String token = tokens.issue(kind, user, clientId, baseUri);
        String link = ActionLinks.link(realm.getClientByClientId(clientId), baseUri, realm.getName(), token, kind);
        // No error event for a failed attempt: the outbox retries it (one WARN line per attempt, one ERROR when it gives
        // up), the attempt's transaction rolls back so the event store would not keep it anyway, and Keycloak's event
        // log line would print the address on every retry. The success event is written with the sent mail.
        mail.send(session, realm, user, Map.of("link", link,
                "linkExpirationMinutes", Math.max(1, tokens.lifespanSeconds(kind) / 60)));
        event.success();
        return true;
    }

    private static EventBuilder event(KeycloakSession session, RealmModel realm, EventType type, String ip, String clientId,
                                      UserModel user) {
        return new EventBuilder(realm, session).event(type).ipAddress(ip).client(clientId).user(user)
                .detail(Details.USERNAME, user.getUsername()).detail(Details.EMAIL, user.getEmail());
    }
}
