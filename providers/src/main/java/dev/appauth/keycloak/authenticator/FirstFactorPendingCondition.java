package dev.appauth.keycloak.authenticator;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Condition of the direct grant's "Password" sub-flow: true unless {@link DirectGrantLoginChallenge} accepted an MFA
 * challenge in this request, or the request proved the first factor itself (session attribute
 * {@link LoginChallenges#FIRST_FACTOR_PROVEN}, for this very user: an email code, or the password a registration has
 * just set). Fails closed: anything else keeps the password required.
 */
public final class FirstFactorPendingCondition implements ConditionalAuthenticator, ConditionalAuthenticatorFactory {

    public static final String PROVIDER_ID = "app-auth-condition-password-needed";

    private static final AuthenticationExecutionModel.Requirement[] CHOICES = {
            AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED };

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        Object proven = context.getSession().getAttribute(LoginChallenges.FIRST_FACTOR_PROVEN);
        boolean provenForThisUser = proven != null && context.getUser() != null && proven.equals(context.getUser().getId());
        return !DirectGrantLoginChallenge.presented(context) && !provenForThisUser;
    }

    @Override
    public ConditionalAuthenticator getSingleton() {
        return this;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public String getDisplayType() {
        return "App Auth: Condition - first factor pending";
    }

    @Override
    public String getHelpText() {
        return "True unless this request carries an MFA challenge accepted by 'App Auth: MFA challenge (direct grant)' "
                + "an email one-time code that /auth/otp/verify checked, or the password /auth/register has just set; "
                + "makes the direct grant's 'Password' sub-flow "
                + "required for every grant that did not show a first factor before.";
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return CHOICES.clone();
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
