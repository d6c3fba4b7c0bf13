package dev.appauth.keycloak.email;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.keycloak.email.EmailException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.appauth.keycloak.token.ActionLinks;
import dev.appauth.keycloak.token.ActionTokenKind;
import dev.appauth.keycloak.token.ActionTokens;
import dev.appauth.keycloak.token.PublicUrl;

/**
 * The security notices an account's owner gets when its sign-in factors change or a recovery code is used, queued
 * in the outbox like every account mail (here, not in the use cases, because a direct-grant step sends one too).
 * Each carries a password-reset link for the client the change was made through: a reset ends every session of the
 * account, so "this was not me" is one click away. The names are stored in queued intents: keep them stable.
 */
public enum SecurityNotice {

    MFA_ADDED(AccountEmail.MFA_ADDED),
    MFA_REMOVED(AccountEmail.MFA_REMOVED),
    RECOVERY_CODE_USED(AccountEmail.RECOVERY_CODE_USED),
    RECOVERY_CODES_REGENERATED(AccountEmail.RECOVERY_CODES_REGENERATED);

    /** Outbox kind of {@link Mail} (see AccountMailKinds). */
    public static final String KIND = "security-notice";

    private final AccountEmail mail;

    SecurityNotice(AccountEmail mail) {
        this.mail = mail;
    }

    /** Queues the notice to the user's address, sent after the request commits. */
    public void queue(KeycloakSession session, UserModel user) {
        URI baseUri = PublicUrl.of(session);
        ClientModel client = session.getContext().getClient();
        session.getProvider(MailQueueProvider.class).queue(new Mail(user.getId(), name(), client == null ? null : client.getClientId(),
                baseUri == null ? null : baseUri.toString()));
    }

    /**
     * The queued notice. Without a public URL ({@code baseUri} null) or a client, it goes out without the link rather
     * than not at all. Add fields, never rename them.
     */
    public record Mail(String userId, String notice, String clientId, String baseUri) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            UserModel user = session.users().getUserById(realm, userId);
            if (user == null || user.getEmail() == null) {
                return false;
            }
            AccountEmail mail = SecurityNotice.valueOf(notice).mail;
            Map<String, Object> attributes = new HashMap<>(Map.of("notice", mail.messageStem()));
            attributes.putAll(resetLink(session, realm, user, clientId, baseUri));
            mail.send(session, realm, user, attributes);
            return true;
        }
    }

    /**
     * The "this was not me" link of a notice: a password reset (which ends every session of the account) for the client
     * the change was made through, as the template attributes {@code link} and {@code linkExpirationMinutes}; none
     * without a public URL, a client or an enabled account, and the notice then says to reset the password.
     */
    public static Map<String, Object> resetLink(KeycloakSession session, RealmModel realm, UserModel user, String clientId,
                                                String baseUri) {
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        if (baseUri == null || client == null || !user.isEnabled()) {
            return Map.of();
        }
        ActionTokens tokens = new ActionTokens(session, realm);
        URI base = URI.create(baseUri);
        String token = tokens.issue(ActionTokenKind.RESET_PASSWORD, user, clientId, base);
        return Map.of("link", ActionLinks.link(client, base, realm.getName(), token, ActionTokenKind.RESET_PASSWORD),
                "linkExpirationMinutes", Math.max(1, tokens.lifespanSeconds(ActionTokenKind.RESET_PASSWORD) / 60));
    }
}
