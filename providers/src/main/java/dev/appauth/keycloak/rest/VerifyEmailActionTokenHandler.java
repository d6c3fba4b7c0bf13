package dev.appauth.keycloak.rest;

import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

import dev.appauth.keycloak.lifecycle.EmailVerification;
import dev.appauth.keycloak.token.EmailVerificationActionToken;
import dev.appauth.keycloak.token.InvalidActionTokenException;

/**
 * The Keycloak-hosted end of a verification link (no app page configured): Keycloak's action-token endpoint has
 * checked signature, expiry, realm and user; this handler checks the address binding, spends the token in the
 * same single-use record as the REST endpoint, verifies the address and shows Keycloak's themed info page.
 * Nothing else follows in the browser, so the authentication session Keycloak opened for the link is removed.
 */
public class VerifyEmailActionTokenHandler extends AbstractActionTokenHandler<EmailVerificationActionToken> {

    public VerifyEmailActionTokenHandler() {
        super(EmailVerificationActionToken.TOKEN_TYPE, EmailVerificationActionToken.class, Messages.STALE_VERIFY_EMAIL_LINK,
                EventType.VERIFY_EMAIL, Errors.INVALID_TOKEN);
    }

    @Override
    public Predicate<? super EmailVerificationActionToken>[] getVerifiers(ActionTokenContext<EmailVerificationActionToken> context) {
        return TokenUtils.predicates(TokenUtils.checkThat(
                t -> t.isBoundTo(context.getAuthenticationSession().getAuthenticatedUser()), Errors.INVALID_EMAIL, getDefaultErrorMessage()));
    }

    @Override
    public Response handleToken(EmailVerificationActionToken token, ActionTokenContext<EmailVerificationActionToken> context) {
        KeycloakSession session = context.getSession();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = authSession.getAuthenticatedUser();
        EventBuilder event = context.getEvent().event(EventType.VERIFY_EMAIL).user(user);
        new AuthenticationSessionManager(session).removeAuthenticationSession(context.getRealm(), authSession, true);
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class).setAuthenticationSession(authSession).setUser(user);
        try {
            new EmailVerification(session).complete(token, user, event);
        } catch (InvalidActionTokenException spent) {
            if (user.isEmailVerified()) {
                // a mail scanner may have opened the link first: the address is verified, which is all the user wants
                event.error(Errors.EMAIL_ALREADY_VERIFIED);
                return forms.setAttribute("messageHeader", forms.getMessage(Messages.EMAIL_VERIFIED_ALREADY_HEADER))
                        .setInfo(Messages.EMAIL_VERIFIED_ALREADY).createInfoPage();
            }
            event.error(spent.getEventError());
            return forms.setError(getDefaultErrorMessage()).createErrorPage(Response.Status.BAD_REQUEST);
        }
        return forms.setAttribute("messageHeader", forms.getMessage(Messages.EMAIL_VERIFIED_HEADER))
                .setSuccess(Messages.EMAIL_VERIFIED).createInfoPage();
    }
}
