package dev.appauth.keycloak.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.messages.Messages;
import org.keycloak.userprofile.ValidationException;

/** The realm's user-profile validation errors in the API's error shape, with the API's field names. */
public final class ProfileErrors {

    private ProfileErrors() {
    }

    public static ApiException of(KeycloakSession session, ValidationException e) {
        MessageFormatter formatter = new MessageFormatter(session, session.getContext().getRealm(), session.getContext().resolveLocale(null));
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String code = "invalid_request";
        for (ValidationException.Error error : e.getErrors()) {
            if (Messages.EMAIL_EXISTS.equals(error.getMessage())) {
                code = "email_taken";
            } else if (Messages.USERNAME_EXISTS.equals(error.getMessage()) && !"email_taken".equals(code)) {
                code = "username_taken";
            }
            fields.computeIfAbsent(apiField(error.getAttribute()), f -> new ArrayList<>())
                    .add(formatter.format(error.getMessage(), error.getMessageParameters()));
        }
        return switch (code) {
            case "email_taken" -> new ApiException(Response.Status.CONFLICT, code, "An account with this email already exists", fields);
            case "username_taken" -> new ApiException(Response.Status.CONFLICT, code, "This username is already taken", fields);
            default -> ApiException.invalidRequest("Some fields are missing or invalid", fields);
        };
    }

    /** The API's name of a user-profile attribute. */
    public static String apiField(String attribute) {
        return switch (attribute) {
            case UserModel.FIRST_NAME -> "first_name";
            case UserModel.LAST_NAME -> "last_name";
            case UserView.PICTURE_ATTRIBUTE -> "profile_image_url";
            default -> attribute;
        };
    }
}
