package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.lifecycle.ProfileUpdate;
import dev.appauth.keycloak.lifecycle.UserSessions;

/** The signed-in user's own account: GET/PATCH me, GET sessions, DELETE sessions/{id}. */
final class AccountResource {

    static final String SESSION_ENDED_MESSAGE = "Session ended";

    private final ApiContext api;

    AccountResource(ApiContext api) {
        this.api = api;
    }

    Response me() {
        return ApiResponses.json(Response.Status.OK, UserView.of(api.bearer().user()));
    }

    /**
     * Changes the caller's own profile. A field left out stays as it is; null clears an optional field. The email
     * cannot change here: a new address would have to be verified before it replaces the old one.
     */
    Response updateMe(InputStream body) {
        AuthenticationManager.AuthResult auth = api.bearer();
        JsonRequest request = api.body(body, false);
        Map<String, String> changes = new LinkedHashMap<>();
        patchField(request, changes, "username", UserModel.USERNAME, Fields.MAX_NAME, false);
        patchField(request, changes, "first_name", UserModel.FIRST_NAME, Fields.MAX_NAME, true);
        patchField(request, changes, "last_name", UserModel.LAST_NAME, Fields.MAX_NAME, true);
        patchField(request, changes, "profile_image_url", ProfileUpdate.PICTURE_ATTRIBUTE, Fields.MAX_URL, true);
        if (request.present("email")) {
            request.fieldError("email", "cannot be changed here: POST /auth/me/email with the current password sends a confirmation link to the new address");
        }
        request.requireValid();

        UserModel user = changes.isEmpty() ? auth.user()
                : new ProfileUpdate(api.session).update(auth.user(), auth.session(), auth.token().getIssuedFor(), changes);
        return ApiResponses.json(Response.Status.OK, UserView.of(user));
    }

    Response sessions() {
        AuthenticationManager.AuthResult auth = api.bearer();
        List<Map<String, Object>> sessions = new UserSessions(api.session).list(auth.user()).stream()
                .map(s -> SessionView.of(s, auth.session().getId()))
                .toList();
        return ApiResponses.json(Response.Status.OK, sessions);
    }

    /** Ends one of the caller's own sessions; an unknown id and another user's session look the same (404). */
    Response endSession(String id) {
        AuthenticationManager.AuthResult auth = api.bearer();
        UserSessions sessions = new UserSessions(api.session);
        UserSessionModel target = id == null || id.length() > Fields.MAX_SESSION_ID ? null : sessions.own(auth.user(), id);
        if (target == null) {
            throw new AuthException(AuthError.NOT_FOUND, "No such session");
        }
        EventBuilder event = api.event(EventType.LOGOUT).user(auth.user()).session(target).detail("scope", "session");
        if (target.getId().equals(auth.session().getId())) {
            sessions.revoke(auth.token());
        }
        sessions.end(target);
        event.success();
        return ApiResponses.message(Response.Status.OK, SESSION_ENDED_MESSAGE);
    }

    /** A PATCH field: left out means unchanged, null clears it (where allowed), a string must be valid. */
    private static void patchField(JsonRequest request, Map<String, String> changes, String field, String attribute,
                                   int maxLength, boolean clearable) {
        if (!request.present(field)) {
            return;
        }
        if (request.isNull(field)) {
            if (clearable) {
                changes.put(attribute, null);
            } else {
                request.fieldError(field, "must not be null");
            }
            return;
        }
        String value = request.string(field, true, maxLength);
        if (value != null) {
            changes.put(attribute, value);
        }
    }
}
