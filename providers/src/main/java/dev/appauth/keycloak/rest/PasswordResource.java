package dev.appauth.keycloak.rest;

import java.io.InputStream;

import jakarta.ws.rs.core.Response;
import org.keycloak.services.managers.AuthenticationManager;

import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.lifecycle.PasswordChange;
import dev.appauth.keycloak.lifecycle.PasswordReset;
import dev.appauth.keycloak.token.InvalidActionTokenException;

/** change-password, forgot-password, reset-password. */
final class PasswordResource {

    static final String PASSWORD_CHANGED_MESSAGE = "Password changed; your other sessions were signed out";
    static final String RESET_REQUESTED_MESSAGE =
            "If an account exists for this address, a message with a link to reset its password has been sent to it.";
    static final String PASSWORD_RESET_MESSAGE = "Password reset; sign in with the new password";

    private final ApiContext api;

    PasswordResource(ApiContext api) {
        this.api = api;
    }

    Response change(InputStream body) {
        api.limits().checkIp("change-password");
        AuthenticationManager.AuthResult auth = api.bearer();
        // a stolen access token must not become a password oracle: guesses per account, across addresses
        api.limits().checkAccount("change-password", auth.user().getId());
        JsonRequest request = api.body(body, false);
        String currentPassword = request.secret("current_password", true, Fields.MAX_PASSWORD);
        String newPassword = request.secret("new_password", true, Fields.MAX_PASSWORD);
        request.requireValid();

        new PasswordChange(api.session).change(auth.user(), auth.session(), auth.token().getIssuedFor(), currentPassword, newPassword);
        return ApiResponses.message(Response.Status.OK, PASSWORD_CHANGED_MESSAGE);
    }

    /** Answers before anything depends on the address: the account lookup and the mail happen after the response. */
    Response forgot(InputStream body) {
        api.limits().checkIp("forgot-password");
        JsonRequest request = api.body(body, false);
        String email = request.email("email");
        String clientId = request.string("client_id", false, Fields.MAX_NAME);
        request.requireValid();
        api.limits().checkAccount("forgot-password", email);

        new PasswordReset(api.session).requestLink(email, api.linkClientId(clientId));
        return ApiResponses.message(Response.Status.ACCEPTED, RESET_REQUESTED_MESSAGE);
    }

    Response reset(InputStream body) {
        api.limits().checkIp("reset-password");
        JsonRequest request = api.body(body, false);
        String token = request.string("token", true, Fields.MAX_TOKEN);
        String newPassword = request.secret("new_password", true, Fields.MAX_PASSWORD);
        request.requireValid();
        try {
            new PasswordReset(api.session).reset(token, newPassword, "new_password");
        } catch (InvalidActionTokenException e) {
            throw AuthException.invalidLink();
        }
        return ApiResponses.message(Response.Status.OK, PASSWORD_RESET_MESSAGE);
    }
}
