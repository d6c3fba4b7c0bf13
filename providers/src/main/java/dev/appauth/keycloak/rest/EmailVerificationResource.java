package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.lifecycle.EmailVerification;
import dev.appauth.keycloak.token.InvalidActionTokenException;

/** verify-email, resend-verification. */
final class EmailVerificationResource {

    static final String EMAIL_VERIFIED_MESSAGE = "Email address verified";
    static final String VERIFICATION_RESENT_MESSAGE =
            "If the address belongs to an account that still needs verification, a new link has been sent to it.";

    private final ApiContext api;

    EmailVerificationResource(ApiContext api) {
        this.api = api;
    }

    Response verify(InputStream body) {
        api.limits().checkIp("verify-email");
        JsonRequest request = api.body(body, false);
        String token = request.string("token", true, Fields.MAX_TOKEN);
        request.requireValid();
        UserModel user;
        try {
            user = new EmailVerification(api.session).verify(token);
        } catch (InvalidActionTokenException e) {
            throw AuthException.invalidLink();
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("message", EMAIL_VERIFIED_MESSAGE);
        response.put("user", UserView.of(user));
        return ApiResponses.json(Response.Status.OK, response);
    }

    /** With a Bearer token: the signed-in user's address; otherwise the address in the body, answered like forgot-password. */
    Response resend(InputStream body) {
        api.limits().checkIp("resend-verification");
        EmailVerification verification = new EmailVerification(api.session);
        if (api.session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
            AuthenticationManager.AuthResult auth = api.bearer();
            api.body(body, true);
            api.limits().checkAccount("resend-verification", auth.user().getEmail());
            verification.resend(auth.user(), auth.token().getIssuedFor(), api.config.resendCooldown());
        } else {
            JsonRequest request = api.body(body, false);
            String email = request.email("email");
            String clientId = request.string("client_id", false, Fields.MAX_NAME);
            request.requireValid();
            api.limits().checkAccount("resend-verification", email);
            verification.resend(email, api.linkClientId(clientId), api.config.resendCooldown());
        }
        return ApiResponses.message(Response.Status.ACCEPTED, VERIFICATION_RESENT_MESSAGE);
    }
}
