package dev.appauth.keycloak.lifecycle;

import java.util.List;
import java.util.Map;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;

/** Setting a password the way Keycloak's own flows do: the realm's policy (history included) decides. */
public final class NewPasswords {

    private NewPasswords() {
    }

    /**
     * @param field the request field the password came in, for {@code field_errors}
     * @return 400 weak_password with the policy's message in the user's language, or null if the policy accepts it
     */
    public static AuthException check(KeycloakSession session, UserModel user, String password, String field) {
        RealmModel realm = session.getContext().getRealm();
        PolicyError weak = session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password);
        return weak == null ? null : weakPassword(session, user, weak, field);
    }

    /**
     * One password hash as storing the password would compute it, for an account that will not be created (strict
     * registration of a taken address), so that the answer costs what creating the account would have cost.
     */
    public static void hashOnce(KeycloakSession session, String password) {
        PasswordPolicy policy = session.getContext().getRealm().getPasswordPolicy();
        PasswordHashProvider hash = policy.getHashAlgorithm() == null ? session.getProvider(PasswordHashProvider.class)
                : session.getProvider(PasswordHashProvider.class, policy.getHashAlgorithm());
        hash.encodedCredential(password, policy.getHashIterations());
    }

    private static AuthException weakPassword(KeycloakSession session, UserModel user, PolicyError weak, String field) {
        String message = new MessageFormatter(session, session.getContext().getRealm(), session.getContext().resolveLocale(user))
                .format(weak.getMessage(), weak.getParameters());
        return new AuthException(AuthError.WEAK_PASSWORD, "The password does not meet the password policy",
                Map.of(field, List.of(message)));
    }

    /** Stores the password (the old one moves to the history) and drops an admin's "update password" request. */
    public static void set(UserModel user, String password) {
        user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
        user.removeRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
    }
}
