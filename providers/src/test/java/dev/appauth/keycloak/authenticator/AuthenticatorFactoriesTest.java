package dev.appauth.keycloak.authenticator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.keycloak.authentication.AuthenticatorFactory;
import org.junit.jupiter.api.Test;

/** What the admin console and the database need of every authenticator the jar registers. */
class AuthenticatorFactoriesTest {

    private static List<AuthenticatorFactory> bundled() {
        List<AuthenticatorFactory> factories = new ArrayList<>();
        ServiceLoader.load(AuthenticatorFactory.class).forEach(f -> {
            if (f.getClass().getName().startsWith("dev.appauth.")) {
                factories.add(f);
            }
        });
        return factories;
    }

    @Test
    void everyAuthenticatorIsRegisteredWithAnIdTheDatabaseCanStoreAndAHelpText() {
        List<AuthenticatorFactory> factories = bundled();
        assertThat(factories).extracting(AuthenticatorFactory::getId).containsExactlyInAnyOrder(
                DirectGrantRateLimit.PROVIDER_ID, RateLimitedUsernamePasswordFormFactory.PROVIDER_ID,
                RateLimitedResetCredentialChooseUser.PROVIDER_ID, DirectGrantVerifiedEmail.PROVIDER_ID,
                BrowserVerifiedEmailFactory.PROVIDER_ID,
                DirectGrantLoginChallenge.PROVIDER_ID, FirstFactorPendingCondition.PROVIDER_ID,
                DirectGrantSecondFactor.PROVIDER_ID);
        for (AuthenticatorFactory factory : factories) {
            // AUTHENTICATION_EXECUTION.AUTHENTICATOR is varchar(36): a longer id fails the realm import
            assertThat(factory.getId().length()).as(factory.getId()).isLessThanOrEqualTo(36);
            assertThat(factory.getId()).startsWith("app-auth-");
            assertThat(factory.getDisplayType()).startsWith("App Auth: ");
            assertThat(factory.getHelpText()).hasSizeGreaterThan(40);
            assertThat(factory.getRequirementChoices()).isNotEmpty();
        }
    }
}
