package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.messages.Messages;
import org.keycloak.userprofile.ValidationException;

/** The realm's user-profile validation errors in the API's error shape, with the API's field names. */
public final class ProfileErrors {

    private ProfileErrors() {
    }

    public static AuthException of(KeycloakSession session, ValidationException e) {
        MessageFormatter formatter = new MessageFormatter(session, session.getContext().getRealm(), session.getContext().resolveLocale(null));
        Map<String, List<String>> fields = new LinkedHashMap<>();
        AuthError code = AuthError.INVALID_REQUEST;
        for (ValidationException.Error error : e.getErrors()) {
            if (Messages.EMAIL_EXISTS.equals(error.getMessage())) {
                code = AuthError.EMAIL_TAKEN;
            } else if (Messages.USERNAME_EXISTS.equals(error.getMessage()) && code != AuthError.EMAIL_TAKEN) {
                code = AuthError.USERNAME_TAKEN;
            }
            fields.computeIfAbsent(apiField(error.getAttribute()), f -> new ArrayList<>())
                    .add(formatter.format(error.getMessage(), error.getMessageParameters()));
        }
        return switch (code) {
            case EMAIL_TAKEN -> new AuthException(code, "An account with this email already exists", fields);
            case USERNAME_TAKEN -> new AuthException(code, "This username is already taken", fields);
            default -> AuthException.invalidRequest("Some fields are missing or invalid", fields);
        };
    }

    /** The API's name of a user-profile attribute. */
    public static String apiField(String attribute) {
        return switch (attribute) {
            case UserModel.FIRST_NAME -> "first_name";
            case UserModel.LAST_NAME -> "last_name";
            case ProfileUpdate.PICTURE_ATTRIBUTE -> "profile_image_url";
            default -> attribute;
        };
    }
}
