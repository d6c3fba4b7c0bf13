package dev.appauth.keycloak.rest;

import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.lifecycle.EmailChange;
import dev.appauth.keycloak.token.InvalidActionTokenException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * me/email (the signed-in user asks for a new address, with the current password), confirm-email-change (the link
 * to the new address) and cancel-email-change (the link to the old one). The links carry the proof, so the last two
 * need no Bearer token: they are opened from a mailbox, often on another device.
 */
final class EmailChangeResource {

    static final String REQUESTED_MESSAGE = "A confirmation link was sent to the new address; the address changes when it is "
            + "opened. The current address was told and can cancel.";

    private final ApiContext api;

    EmailChangeResource(ApiContext api) {
        this.api = api;
    }

    Response request(InputStream body) {
        AuthenticationManager.AuthResult auth = api.bearer();
        JsonRequest request = api.body(body, false);
        String email = request.email("email");
        String password = request.secret("password", true, Fields.MAX_PASSWORD);
        request.requireValid();
        api.limits().checkIp("email-change");
        api.limits().checkAccount("email-change", auth.user().getId());
        new EmailChange(api.session).request(auth.user(), auth.session(), auth.token().getIssuedFor(),
                email.trim().toLowerCase(Locale.ROOT), password);
        return ApiResponses.message(Response.Status.ACCEPTED, REQUESTED_MESSAGE);
    }

    Response confirm(InputStream body) {
        String token = linkToken(body);
        UserModel user;
        try {
            user = new EmailChange(api.session).confirm(token);
        } catch (InvalidActionTokenException e) {
            throw AuthException.invalidLink();
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("message", "Email address changed; the account's other sessions were ended");
        response.put("user", UserView.of(user));
        return ApiResponses.json(Response.Status.OK, response);
    }

    Response cancel(InputStream body) {
        String token = linkToken(body);
        EmailChange.Cancelled outcome;
        try {
            outcome = new EmailChange(api.session).cancel(token);
        } catch (InvalidActionTokenException e) {
            throw AuthException.invalidLink();
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("message", outcome == EmailChange.Cancelled.WAITING_CHANGE_CANCELLED ? "The email change was cancelled"
                : "The previous address was restored; every session was ended and a password-reset link was sent to it");
        response.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        return ApiResponses.json(Response.Status.OK, response);
    }

    private String linkToken(InputStream body) {
        api.limits().checkIp("email-change");
        JsonRequest request = api.body(body, false);
        String token = request.string("token", true, Fields.MAX_TOKEN);
        request.requireValid();
        return token;
    }
}
