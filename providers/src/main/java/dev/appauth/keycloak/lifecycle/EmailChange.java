package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.token.ActionTokenKind;
import dev.appauth.keycloak.token.ActionTokens;
import dev.appauth.keycloak.token.EmailChangeToken;
import dev.appauth.keycloak.token.InvalidActionTokenException;
import java.util.List;
import java.util.Map;

import org.keycloak.authentication.requiredactions.UpdateEmail;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.userprofile.ValidationException;

/**
 * A user's change of their own email address, confirmed by both addresses: the request (with the current password)
 * mails a confirmation link to the new address and a notice with a cancel link to the old one; the address changes
 * only when the new one confirms, and then the account's other sessions end. The old address's link cancels a
 * waiting change, or puts the old address back after a confirmation (all sessions end and a password reset is mailed
 * to it), so someone who learned the password cannot take the account over by changing its address.
 * <p>
 * The waiting change lives in Keycloak's single-use store under the user's id, one per account: a newer request
 * replaces it, and the links of an older one stop working. The new address goes through the realm's user profile
 * (context UPDATE_EMAIL, as Keycloak's own update-email action), so its validators and uniqueness rule apply.
 */
public final class EmailChange {

    private static final String CHANGE = "change";
    private static final String NEW_EMAIL = "email";
    private static final String REQUESTING_SESSION = "session";

    /** What a cancel link did. */
    public enum Cancelled { WAITING_CHANGE_CANCELLED, OLD_ADDRESS_RESTORED }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActionTokens tokens;

    public EmailChange(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.tokens = new ActionTokens(session, realm);
    }

    /** Step 1: checks the password and the new address, keeps the change waiting and queues both mails. */
    public void request(UserModel user, UserSessionModel callerSession, String clientId, String newEmail, String password) {
        EventBuilder event = Events.of(session, EventType.SEND_VERIFY_EMAIL).user(user).session(callerSession).client(clientId)
                .detail(Details.PREVIOUS_EMAIL, user.getEmail()).detail(Details.UPDATED_EMAIL, newEmail);
        if (!new Reauthentication(session).passwordMatches(user, password)) {
            event.error(Errors.INVALID_USER_CREDENTIALS);
            throw new AuthException(AuthError.INVALID_CREDENTIALS, "The current password is not correct");
        }
        if (newEmail.equalsIgnoreCase(user.getEmail())) {
            event.error(Errors.INVALID_INPUT);
            throw AuthException.invalidRequest("This is the account's address already",
                    Map.of("email", List.of("is the account's current address")));
        }
        validate(user, newEmail, event);
        if (user.getEmail() == null) {
            // nothing to protect and no old address to ask: an account without one sets it like a first verification
            throw AuthException.invalidRequest("This account has no address to change; register one through the profile",
                    Map.of("email", List.of("the account has no current address")));
        }
        String changeId = SecretGenerator.getInstance().generateSecureID();
        int lifespan = tokens.lifespanSeconds(ActionTokenKind.CONFIRM_EMAIL_CHANGE);
        // remove first: put() of the store writes at commit, and a change waiting from before must not outlive this one
        session.singleUseObjects().remove(key(user));
        session.singleUseObjects().put(key(user), lifespan, Map.of(CHANGE, changeId, NEW_EMAIL, newEmail,
                REQUESTING_SESSION, callerSession == null ? "" : callerSession.getId()));
        new AccountMails(session).emailChangeRequested(user, newEmail, changeId, clientId);
        event.success();
    }

    /** Step 2, from the new address: the change happens; the account's other sessions end. */
    public UserModel confirm(String tokenString) throws InvalidActionTokenException {
        EventBuilder event = Events.of(session, EventType.UPDATE_EMAIL);
        try {
            EmailChangeToken token = (EmailChangeToken) tokens.verify(ActionTokenKind.CONFIRM_EMAIL_CHANGE, tokenString,
                    session.getContext().getUri().getBaseUri());
            UserModel user = tokens.boundUser(token);
            confirm(token, user, event);
            return user;
        } catch (InvalidActionTokenException e) {
            event.detail(Details.REASON, e.getMessage()).error(e.getEventError());
            throw e;
        }
    }

    /** Step 2 with a checked token of this user (the REST endpoint or Keycloak's hosted page); the caller reports errors. */
    public void confirm(EmailChangeToken token, UserModel user, EventBuilder event) throws InvalidActionTokenException {
        event.event(EventType.UPDATE_EMAIL).user(user).client(token.getIssuedFor()).detail(Details.PREVIOUS_EMAIL, user.getEmail())
                .detail(Details.UPDATED_EMAIL, token.getNewEmail());
        Map<String, String> waiting = session.singleUseObjects().get(key(user));
        if (waiting == null || !token.getChangeId().equals(waiting.get(CHANGE))) {
            throw new InvalidActionTokenException(Errors.INVALID_TOKEN, "change cancelled or replaced");
        }
        // the address may have been taken since the request: the realm's rules again, before anything is spent
        validate(user, token.getNewEmail(), event);
        tokens.spend(token);
        session.singleUseObjects().remove(key(user));
        setAddress(user, token.getNewEmail());
        new UserSessions(session).endAllExcept(user, waiting.get(REQUESTING_SESSION));
        event.success();
    }

    /** From the old address: cancels the waiting change, or restores the old address after a confirmation. */
    public Cancelled cancel(String tokenString) throws InvalidActionTokenException {
        EventBuilder event = Events.of(session, EventType.UPDATE_EMAIL);
        try {
            EmailChangeToken token = (EmailChangeToken) tokens.verify(ActionTokenKind.CANCEL_EMAIL_CHANGE, tokenString,
                    session.getContext().getUri().getBaseUri());
            return cancel(token, tokens.boundUser(token), event);
        } catch (InvalidActionTokenException e) {
            event.detail(Details.REASON, e.getMessage()).error(e.getEventError());
            throw e;
        }
    }

    /** The cancel link with a checked token of this user; the caller reports errors. */
    public Cancelled cancel(EmailChangeToken token, UserModel user, EventBuilder event) throws InvalidActionTokenException {
        event.event(EventType.UPDATE_EMAIL).user(user).client(token.getIssuedFor())
                .detail(Details.REASON, "cancelled from the previous address");
        Map<String, String> waiting = session.singleUseObjects().get(key(user));
        if (waiting != null && token.getChangeId().equals(waiting.get(CHANGE))) {
            tokens.spend(token);
            session.singleUseObjects().remove(key(user));
            event.detail(Details.UPDATED_EMAIL, user.getEmail()).success();
            return Cancelled.WAITING_CHANGE_CANCELLED;
        }
        if (!token.getNewEmail().equals(user.getEmail())) {
            // a newer change was requested (its own notice went out) or the address changed another way
            throw new InvalidActionTokenException(Errors.INVALID_TOKEN, "change replaced");
        }
        UserModel holder = session.users().getUserByEmail(realm, token.getEmail());
        if (holder != null && !holder.getId().equals(user.getId())) {
            throw new InvalidActionTokenException(Errors.EMAIL_IN_USE, "the old address belongs to another account now");
        }
        tokens.spend(token);
        event.detail(Details.PREVIOUS_EMAIL, user.getEmail()).detail(Details.UPDATED_EMAIL, token.getEmail());
        setAddress(user, token.getEmail());
        // whoever confirmed knew the password: out with every session, and a reset link to the owner
        new UserSessions(session).endAll(user);
        new AccountMails(session).passwordResetTo(token.getEmail(), token.getIssuedFor());
        event.success();
        return Cancelled.OLD_ADDRESS_RESTORED;
    }

    private void validate(UserModel user, String newEmail, EventBuilder event) {
        try {
            // Keycloak's own check for its update-email action: the realm's user profile in context UPDATE_EMAIL
            UpdateEmail.validateEmailUpdate(session, user, newEmail);
        } catch (ValidationException e) {
            event.error(Errors.INVALID_INPUT);
            throw ProfileErrors.of(session, e);
        }
    }

    /** Both addresses were shown to be the user's: the address is set as verified. */
    private void setAddress(UserModel user, String email) {
        try {
            user.setEmail(email);
        } catch (ModelException e) {
            throw new AuthException(AuthError.EMAIL_TAKEN, "An account with this email already exists").rollingBack();
        }
        EmailVerification.markVerified(user);
    }

    private String key(UserModel user) {
        return "app-auth:email-change:" + realm.getId() + ":" + user.getId();
    }
}
