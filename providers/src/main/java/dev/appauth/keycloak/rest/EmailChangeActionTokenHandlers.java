package dev.appauth.keycloak.rest;

import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.lifecycle.EmailChange;
import dev.appauth.keycloak.token.EmailChangeCancelActionToken;
import dev.appauth.keycloak.token.EmailChangeConfirmActionToken;
import dev.appauth.keycloak.token.EmailChangeToken;
import dev.appauth.keycloak.token.InvalidActionTokenException;

import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The Keycloak-hosted ends of the two email-change links (no app page configured): Keycloak's action-token endpoint
 * has checked signature, expiry, realm and user; these handlers check the address binding and do what the REST
 * endpoints do ({@link EmailChange}), then show Keycloak's themed info page. Nothing follows in the browser, so the
 * authentication session Keycloak opened for the link is removed.
 */
public final class EmailChangeActionTokenHandlers {

    /** Message keys of the cancel page (theme-resources/messages, en and de; a realm override of the key wins). */
    static final String CANCELLED_MESSAGE = "appAuthEmailChangeCancelled";
    static final String RESTORED_MESSAGE = "appAuthEmailChangeRestored";

    private EmailChangeActionTokenHandlers() {
    }

    /** confirm-email-change, opened from the new address. */
    public static class Confirm extends AbstractActionTokenHandler<EmailChangeConfirmActionToken> {

        public Confirm() {
            super(EmailChangeConfirmActionToken.TOKEN_TYPE, EmailChangeConfirmActionToken.class, Messages.STALE_CODE,
                    EventType.UPDATE_EMAIL, Errors.INVALID_TOKEN);
        }

        @Override
        public Predicate<? super EmailChangeConfirmActionToken>[] getVerifiers(ActionTokenContext<EmailChangeConfirmActionToken> context) {
            return bound(context);
        }

        @Override
        public Response handleToken(EmailChangeConfirmActionToken token, ActionTokenContext<EmailChangeConfirmActionToken> context) {
            LoginFormsProvider forms = page(context);
            UserModel user = context.getAuthenticationSession().getAuthenticatedUser();
            EventBuilder event = context.getEvent();
            try {
                new EmailChange(context.getSession()).confirm(token, user, event);
            } catch (InvalidActionTokenException | AuthException e) {
                event.error(e instanceof InvalidActionTokenException invalid ? invalid.getEventError() : Errors.EMAIL_IN_USE);
                return forms.setError(getDefaultErrorMessage()).createErrorPage(Response.Status.BAD_REQUEST);
            }
            return forms.setAttribute("messageHeader", forms.getMessage("emailUpdatedTitle"))
                    .setSuccess("emailUpdated", token.getNewEmail()).createInfoPage();
        }
    }

    /** cancel-email-change, opened from the old address. */
    public static class Cancel extends AbstractActionTokenHandler<EmailChangeCancelActionToken> {

        public Cancel() {
            super(EmailChangeCancelActionToken.TOKEN_TYPE, EmailChangeCancelActionToken.class, Messages.STALE_CODE,
                    EventType.UPDATE_EMAIL, Errors.INVALID_TOKEN);
        }

        @Override
        public Predicate<? super EmailChangeCancelActionToken>[] getVerifiers(ActionTokenContext<EmailChangeCancelActionToken> context) {
            return bound(context);
        }

        @Override
        public Response handleToken(EmailChangeCancelActionToken token, ActionTokenContext<EmailChangeCancelActionToken> context) {
            LoginFormsProvider forms = page(context);
            UserModel user = context.getAuthenticationSession().getAuthenticatedUser();
            EventBuilder event = context.getEvent();
            EmailChange.Cancelled outcome;
            try {
                outcome = new EmailChange(context.getSession()).cancel(token, user, event);
            } catch (InvalidActionTokenException e) {
                event.error(e.getEventError());
                return forms.setError(getDefaultErrorMessage()).createErrorPage(Response.Status.BAD_REQUEST);
            }
            return forms.setAttribute("messageHeader", forms.getMessage("emailUpdatedTitle"))
                    .setSuccess(outcome == EmailChange.Cancelled.WAITING_CHANGE_CANCELLED ? CANCELLED_MESSAGE : RESTORED_MESSAGE,
                            token.getEmail())
                    .createInfoPage();
        }
    }

    private static <T extends EmailChangeToken> Predicate<? super T>[] bound(ActionTokenContext<T> context) {
        return TokenUtils.predicates(TokenUtils.checkThat(
                t -> t.isBoundTo(context.getAuthenticationSession().getAuthenticatedUser()), Errors.INVALID_TOKEN, Messages.STALE_CODE));
    }

    private static LoginFormsProvider page(ActionTokenContext<?> context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = authSession.getAuthenticatedUser();
        new AuthenticationSessionManager(context.getSession()).removeAuthenticationSession(context.getRealm(), authSession, true);
        return context.getSession().getProvider(LoginFormsProvider.class).setAuthenticationSession(authSession).setUser(user);
    }
}
