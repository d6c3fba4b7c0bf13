package dev.appauth.keycloak.lifecycle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.light.LightweightUserAdapter;
import org.keycloak.services.messages.Messages;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;

import dev.appauth.keycloak.AuthException;

/**
 * Self-registration: the realm's user profile (REGISTRATION context) and password policy decide, then the
 * account is created with its password and a verification mail goes out. In a realm that requires verified
 * email (strict mode) nobody is signed in, and the answer never tells whether the address had an account:
 * the same checks, the same cost, the same answer, and the owner of a taken address learns of it by mail.
 */
public final class Registration {

    /** What the caller asked for; username is null where the realm uses the email as username. */
    public record NewAccount(String email, String username, String password, String firstName, String lastName, String picture) {
        String login() {
            return username == null ? email : username;
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public Registration(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * @param event the REGISTER event; ended here unless a user is returned, which the caller signs in and then ends it
     * @return the new user to sign in, or empty when the realm requires a verified address first
     * @throws AuthException invalid_request, email_taken, username_taken or weak_password
     */
    public Optional<UserModel> register(NewAccount account, String clientId, EventBuilder event) {
        event.detail(Details.USERNAME, account.login()).detail(Details.EMAIL, account.email())
                .detail(Details.REGISTER_METHOD, "auth-api");
        UserProfile profile = session.getProvider(UserProfileProvider.class)
                .create(UserProfileContext.REGISTRATION, attributes(account));
        boolean strict = realm.isVerifyEmail();
        boolean addressTaken = false;
        try {
            profile.validate();
        } catch (ValidationException e) {
            addressTaken = strict && isOnlyEmailTaken(e);
            if (!addressTaken) {
                AuthException error = ProfileErrors.of(session, e);
                event.error(error.error().code());
                throw error;
            }
        }
        // The policy judges the account as it would be, before anything is stored and whether or not the address
        // is taken: rules that compare the password with the account (not-email, not-username) then give a free
        // and a taken address the same answer in strict mode.
        AuthException weak = NewPasswords.check(session, prospective(account), account.password(), "password");
        if (weak != null) {
            event.error(Errors.PASSWORD_REJECTED);
            throw weak;
        }
        if (addressTaken) {
            answerTakenAddress(account, event);
            return Optional.empty();
        }

        UserModel user = profile.create();
        user.setEnabled(true);
        NewPasswords.set(user, account.password());
        event.user(user);
        new AccountMails(session).verificationTo(user, clientId);
        if (strict) {
            event.success();
            return Optional.empty();
        }
        return Optional.of(user);
    }

    /** The account as it would be stored: what password rules compare with, and no credentials (no history). */
    private UserModel prospective(NewAccount account) {
        LightweightUserAdapter user = new LightweightUserAdapter(session, realm, null);
        user.setUsername(account.login());
        user.setEmail(account.email());
        user.setFirstName(account.firstName());
        user.setLastName(account.lastName());
        return user;
    }

    /** Strict mode, address taken: the cost and answer of a new account, and an "account exists" mail to the owner. */
    private void answerTakenAddress(NewAccount account, EventBuilder event) {
        NewPasswords.hashOnce(session, account.password());
        event.error("email_taken");
        new AccountMails(session).accountExists(account.email());
    }

    private static Map<String, List<String>> attributes(NewAccount account) {
        Map<String, List<String>> attributes = new HashMap<>();
        attributes.put(UserModel.EMAIL, List.of(account.email()));
        attributes.put(UserModel.USERNAME, List.of(account.login()));
        putIfPresent(attributes, UserModel.FIRST_NAME, account.firstName());
        putIfPresent(attributes, UserModel.LAST_NAME, account.lastName());
        putIfPresent(attributes, ProfileUpdate.PICTURE_ATTRIBUTE, account.picture());
        return attributes;
    }

    private static boolean isOnlyEmailTaken(ValidationException e) {
        return !e.getErrors().isEmpty()
                && e.getErrors().stream().allMatch(error -> Messages.EMAIL_EXISTS.equals(error.getMessage()));
    }

    private static void putIfPresent(Map<String, List<String>> attributes, String name, String value) {
        if (value != null) {
            attributes.put(name, List.of(value));
        }
    }
}
