package dev.appauth.keycloak.rest;

import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.Constants;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

import dev.appauth.keycloak.token.ActionTokens;
import dev.appauth.keycloak.token.PasswordResetActionToken;

/**
 * The Keycloak-hosted end of a password-reset link (no app page configured): Keycloak's action-token endpoint
 * has checked signature, expiry, realm and user; this handler checks that the token is still bound to the
 * account's address and password and not spent, then hands over to the themed reset form of the /auth
 * resource ({@link HostedResetPage}), which sets the password under the same rules as the REST endpoint. The
 * token is spent only when a password is saved, so opening the link (or a mail scanner opening it) costs nothing.
 */
public class ResetPasswordActionTokenHandler extends AbstractActionTokenHandler<PasswordResetActionToken> {

    public ResetPasswordActionTokenHandler() {
        super(PasswordResetActionToken.TOKEN_TYPE, PasswordResetActionToken.class, HostedResetPage.LINK_INVALID_MESSAGE,
                EventType.RESET_PASSWORD, Errors.INVALID_TOKEN);
    }

    @Override
    public Predicate<? super PasswordResetActionToken>[] getVerifiers(ActionTokenContext<PasswordResetActionToken> context) {
        ActionTokens tokens = new ActionTokens(context.getSession(), context.getRealm());
        return TokenUtils.predicates(
                TokenUtils.checkThat(context.getRealm()::isResetPasswordAllowed, Errors.NOT_ALLOWED, Messages.RESET_CREDENTIAL_NOT_ALLOWED),
                TokenUtils.checkThat(t -> t.isBoundTo(context.getAuthenticationSession().getAuthenticatedUser()),
                        Errors.INVALID_TOKEN, getDefaultErrorMessage()),
                TokenUtils.checkThat(t -> !tokens.isSpent(t), Errors.EXPIRED_CODE, getDefaultErrorMessage()));
    }

    @Override
    public Response handleToken(PasswordResetActionToken token, ActionTokenContext<PasswordResetActionToken> context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String tokenString = authSession.getAuthNote(Constants.KEY);
        new AuthenticationSessionManager(context.getSession()).removeAuthenticationSession(context.getRealm(), authSession, true);
        return Response.seeOther(HostedResetPage.url(context.getUriInfo().getBaseUri(), context.getRealm().getName(), tokenString)).build();
    }
}
