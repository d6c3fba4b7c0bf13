package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.OTPPolicy;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.authenticator.DirectGrantFlows;
import dev.appauth.keycloak.authenticator.FlowRateLimit;
import dev.appauth.keycloak.authenticator.LoginChallenges;
import dev.appauth.keycloak.lifecycle.Reauthentication;
import dev.appauth.keycloak.lifecycle.SecondFactors;

/**
 * Second factors: the second step of a login (login/mfa) and the signed-in user's own factors (mfa/...). Enrolling,
 * removing and new recovery codes need the current password or a login of the last five minutes
 * ({@link Reauthentication}), so a stolen access token alone cannot change how the account signs in.
 */
final class MfaResource {

    private static final int MAX_CODE = 64;

    private final ApiContext api;

    MfaResource(ApiContext api) {
        this.api = api;
    }

    /** Finishes a login that answered mfa_required: the realm's direct-grant flow again, with the challenge and a code. */
    Response loginMfa(InputStream body) {
        JsonRequest request = api.body(body, false);
        String mfaToken = request.string("mfa_token", true, Fields.MAX_TOKEN);
        String code = request.secret("code", false, MAX_CODE);
        String recoveryCode = request.secret("recovery_code", false, MAX_CODE);
        String clientId = request.string("client_id", false, Fields.MAX_NAME);
        if (code == null && recoveryCode == null && !request.present("code") && !request.present("recovery_code")) {
            request.fieldError("code", "is required (or recovery_code)");
        }
        if (code != null && recoveryCode != null) {
            request.fieldError("recovery_code", "send either code or recovery_code, not both");
        }
        request.requireValid();
        if (code == null && recoveryCode == null) {
            throw AuthException.invalidRequest("code or recovery_code is required", Map.of("code", List.of("must not be empty")));
        }
        LoginChallenges.Challenge challenge = LoginChallenges.peek(api.session, mfaToken);
        UserModel user = challenge == null ? null : api.session.users().getUserById(api.realm, challenge.userId());
        if (user == null || clientId != null && !clientId.equals(challenge.clientId())) {
            throw LoginOutcomes.invalidMfaToken();
        }

        EventBuilder event = api.event(EventType.LOGIN);
        TokenIssuer issuer = new TokenIssuer(api.session, api.config, api.cors);
        TokenIssuer.AuthenticatedClient client = issuer.authenticateClient(challenge.clientId(), event);
        if (!DirectGrantFlows.countsLoginAttempts(api.realm, client.client())) {
            api.limits().checkIp(FlowRateLimit.LOGIN);
            api.limits().checkAccount(FlowRateLimit.LOGIN, user.getUsername());
        }
        TokenIssuer.GrantResult result = issuer.secondFactorGrant(client, user.getUsername(), mfaToken, code, recoveryCode, event);
        if (!result.succeeded()) {
            AuthException refusal = LoginOutcomes.refusal(api.session, event, user.getUsername());
            // a locked or disabled account, or a realm whose flow has no MFA-challenge step: start over
            throw refusal.error() == AuthError.INVALID_CREDENTIALS ? LoginOutcomes.invalidMfaToken() : refusal;
        }
        return ApiResponses.json(Response.Status.OK, SessionTokensResource.tokenResponse(result.tokens(),
                SessionTokensResource.userOf(api, event, result.tokens())));
    }

    Response factors() {
        UserModel user = api.bearer().user();
        SecondFactors factors = new SecondFactors(api.session);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("factors", factors.list(user).stream().map(MfaResource::factorView).toList());
        view.put("recovery_codes", factors.recoveryCodes(user)
                .map(codes -> Map.of("remaining", codes.remaining(), "total", codes.total())).orElse(null));
        return ApiResponses.json(Response.Status.OK, view);
    }

    Response startTotp(InputStream body) {
        AuthenticationManager.AuthResult auth = api.bearer();
        JsonRequest request = api.body(body, true);
        String password = request.secret("password", false, Fields.MAX_PASSWORD);
        String label = request.string("label", false, Fields.MAX_NAME);
        request.requireValid();
        api.limits().checkAccount("mfa", auth.user().getId());
        new Reauthentication(api.session).require(auth.user(), auth.session(), password);

        SecondFactors.Enrollment enrollment = new SecondFactors(api.session).startTotp(auth.user(), label);
        OTPPolicy policy = enrollment.policy();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enrollment_token", enrollment.token());
        view.put("expires_in", SecondFactors.ENROLLMENT_SECONDS);
        view.put("type", policy.getType());
        view.put("secret", enrollment.secret());
        view.put("otpauth_uri", enrollment.otpauthUri());
        view.put("qr_code", "data:image/png;base64," + enrollment.qrCodePng());
        view.put("digits", policy.getDigits());
        view.put("period", policy.getPeriod());
        view.put("algorithm", policy.getAlgorithmKey());
        return ApiResponses.json(Response.Status.OK, view);
    }

    Response confirmTotp(InputStream body) {
        AuthenticationManager.AuthResult auth = api.bearer();
        JsonRequest request = api.body(body, false);
        String token = request.string("enrollment_token", true, Fields.MAX_TOKEN);
        String code = request.secret("code", true, MAX_CODE);
        request.requireValid();
        api.limits().checkAccount("mfa", auth.user().getId());

        SecondFactors.Enrolled enrolled = new SecondFactors(api.session)
                .confirmTotp(auth.user(), auth.session(), auth.token().getIssuedFor(), token, code);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("factor", factorView(enrolled.factor()));
        view.put("recovery_codes", enrolled.recoveryCodes());
        return ApiResponses.json(Response.Status.CREATED, view);
    }

    Response removeFactor(String id, InputStream body) {
        AuthenticationManager.AuthResult auth = api.bearer();
        String password = reauthenticationPassword(body);
        api.limits().checkAccount("mfa", auth.user().getId());
        new Reauthentication(api.session).require(auth.user(), auth.session(), password);
        if (id == null || id.length() > Fields.MAX_SESSION_ID
                || !new SecondFactors(api.session).remove(auth.user(), auth.session(), auth.token().getIssuedFor(), id)) {
            throw new AuthException(AuthError.NOT_FOUND, "No such factor");
        }
        return ApiResponses.message(Response.Status.OK, "Factor removed");
    }

    Response regenerateRecoveryCodes(InputStream body) {
        AuthenticationManager.AuthResult auth = api.bearer();
        String password = reauthenticationPassword(body);
        api.limits().checkAccount("mfa", auth.user().getId());
        new Reauthentication(api.session).require(auth.user(), auth.session(), password);
        List<String> codes = new SecondFactors(api.session)
                .regenerateRecoveryCodes(auth.user(), auth.session(), auth.token().getIssuedFor());
        return ApiResponses.json(Response.Status.CREATED, Map.of("recovery_codes", codes));
    }

    /** The optional {@code {"password"}} body of a change that needs a recent login or the password. */
    private String reauthenticationPassword(InputStream body) {
        JsonRequest request = api.body(body, true);
        String password = request.secret("password", false, Fields.MAX_PASSWORD);
        request.requireValid();
        return password;
    }

    private static Map<String, Object> factorView(SecondFactors.Factor factor) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", factor.id());
        view.put("type", factor.type());
        view.put("label", factor.label());
        view.put("created_at", factor.createdAt() == 0 ? null : Instant.ofEpochMilli(factor.createdAt()).toString());
        return view;
    }
}
