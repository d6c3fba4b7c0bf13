package dev.appauth.keycloak.authenticator;

import java.util.List;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * When a login needs a verified email address: where the realm requires one (Realm settings → Login → Verify
 * email), or always, as the execution's configuration says. One rule for the direct-grant and the browser flow.
 */
final class VerifiedEmailRule {

    static final String REQUIRE = "require";
    static final String WHEN_REALM_REQUIRES = "when-realm-requires";
    static final String ALWAYS = "always";

    static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(REQUIRE).label("Require a verified email")
            .type(ProviderConfigProperty.LIST_TYPE).options(WHEN_REALM_REQUIRES, ALWAYS).defaultValue(WHEN_REALM_REQUIRES)
            .helpText("when-realm-requires: only while the realm's 'Verify email' switch is on. always: for every login "
                    + "through this flow, whatever the realm switch says (e.g. in a flow bound to one client).")
            .add().build();

    private VerifiedEmailRule() {
    }

    /** @return true when the flow's user may not sign in before verifying the address */
    static boolean unmet(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null || user.isEmailVerified()) {
            return false;
        }
        AuthenticatorConfigModel config = context.getAuthenticatorConfig();
        String require = config == null || config.getConfig() == null ? null : config.getConfig().get(REQUIRE);
        return ALWAYS.equals(require) || context.getRealm().isVerifyEmail();
    }
}
