package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.AuthException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.storage.ReadOnlyException;
import org.keycloak.userprofile.EventAuditingAttributeChangeListener;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;

/**
 * A user's change of their own profile, validated by the realm's user profile in the ACCOUNT context (the one
 * Keycloak's account console uses): only attributes the user may edit, with the realm's validators, a unique
 * username (and only if the realm lets users edit usernames).
 */
public final class ProfileUpdate {

    /** The user-profile attribute that holds the profile picture URL (OIDC standard claim "picture"). */
    public static final String PICTURE_ATTRIBUTE = "picture";

    private final KeycloakSession session;

    public ProfileUpdate(KeycloakSession session) {
        this.session = session;
    }

    /**
     * @param changes user-profile attribute name to its new value; null removes the value; attributes not named
     *                stay as they are
     */
    public UserModel update(UserModel user, UserSessionModel callerSession, String clientId, Map<String, String> changes) {
        UserProfileProvider profiles = session.getProvider(UserProfileProvider.class);
        Map<String, List<String>> attributes = new HashMap<>(profiles.create(UserProfileContext.ACCOUNT, user).getAttributes().getReadable());
        changes.forEach((name, value) -> attributes.put(name, value == null ? List.of() : List.of(value)));
        UserProfile profile = profiles.create(UserProfileContext.ACCOUNT, attributes, user);

        EventBuilder event = Events.of(session, EventType.UPDATE_PROFILE).user(user).session(callerSession).client(clientId)
                .detail(Details.CONTEXT, UserProfileContext.ACCOUNT.name());
        try {
            profile.update(new EventAuditingAttributeChangeListener(profile, event));
        } catch (ValidationException e) {
            AuthException error = ProfileErrors.of(session, e);
            event.error(Errors.INVALID_INPUT);
            throw error;
        } catch (ReadOnlyException e) {
            event.error(Errors.INVALID_INPUT);
            throw AuthException.invalidRequest("This account cannot be changed here");
        }
        event.success();
        return user;
    }
}
