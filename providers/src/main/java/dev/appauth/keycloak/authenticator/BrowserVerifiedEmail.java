package dev.appauth.keycloak.authenticator;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Browser-flow step after the password: where the rule asks for a verified address and the user's is not, the
 * login continues into Keycloak's own "Verify email" required action (its page and mail), so the user gets in only
 * after verifying — the browser counterpart of the direct grant's refusal.
 */
final class BrowserVerifiedEmail implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (VerifiedEmailRule.unmet(context)) {
            context.getAuthenticationSession().addRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
        }
        context.success();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
