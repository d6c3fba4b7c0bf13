package dev.appauth.keycloak.rest;

import dev.appauth.keycloak.lifecycle.ProfileUpdate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.keycloak.models.UserModel;

/** The user object of API.md, built from the Keycloak user. */
final class UserView {

    private UserView() {
    }

    static Map<String, Object> of(UserModel user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("uuid", user.getId());
        view.put("email", user.getEmail());
        view.put("username", user.getUsername());
        view.put("profile_image_url", user.getFirstAttribute(ProfileUpdate.PICTURE_ATTRIBUTE));
        view.put("email_verified", user.isEmailVerified());
        view.put("first_name", user.getFirstName());
        view.put("last_name", user.getLastName());
        Long created = user.getCreatedTimestamp();
        view.put("created_at", created == null ? null : Instant.ofEpochMilli(created).toString());
        return view;
    }
}
