package dev.appauth.keycloak.policy;

import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;

/** Refuses a password on the bundled list of common passwords. */
final class CommonPasswordPolicyProvider implements PasswordPolicyProvider {

    /** Keycloak's own message for a listed password, translated in every theme. */
    static final String ERROR_MESSAGE = "invalidPasswordBlacklistedMessage";

    private final CommonPasswords list;

    CommonPasswordPolicyProvider(CommonPasswords list) {
        this.list = list;
    }

    @Override
    public PolicyError validate(String username, String password) {
        return list.contains(password) ? new PolicyError(ERROR_MESSAGE) : null;
    }

    @Override
    public PolicyError validate(RealmModel realm, UserModel user, String password) {
        return validate(user == null ? null : user.getUsername(), password);
    }

    @Override
    public Object parseConfig(String value) {
        return null;
    }

    @Override
    public void close() {
    }
}
