package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.util.Set;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.services.cors.Cors;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

/**
 * The routing table of the JSON API under {@code /realms/{realm}/auth/} (see API.md and openapi.json): each
 * route hands its request to the resource of its capability and lets {@link ApiContext} turn the outcome
 * into a response. Everything else under /auth answers 404 or 405 in the API's error shape.
 */
public class AuthResource {

    private static final Set<String> ENDPOINTS = Set.of("register", "login", "refresh", "logout", "openapi.json",
            "change-password", "forgot-password", "reset-password", "verify-email", "resend-verification", "me", "sessions",
            "login/mfa", "mfa/factors", "mfa/totp", "mfa/totp/verify", "mfa/recovery-codes", "me/email", "confirm-email-change",
            "cancel-email-change", "otp", "otp/verify", HostedResetPage.PATH);

    private final ApiContext api;
    private final SessionTokensResource tokens;
    private final PasswordResource passwords;
    private final EmailVerificationResource verification;
    private final AccountResource account;
    private final MfaResource mfa;
    private final EmailChangeResource emailChange;
    private final EmailCodeResource emailCode;

    AuthResource(ApiContext api) {
        this.api = api;
        this.tokens = new SessionTokensResource(api);
        this.passwords = new PasswordResource(api);
        this.verification = new EmailVerificationResource(api);
        this.account = new AccountResource(api);
        this.mfa = new MfaResource(api);
        this.emailChange = new EmailChangeResource(api);
        this.emailCode = new EmailCodeResource(api);
    }

    @POST @Path("register")
    public Response register(InputStream body) {
        return api.call(() -> tokens.register(body));
    }

    @POST @Path("login")
    public Response login(InputStream body) {
        return api.call(() -> tokens.login(body));
    }

    @POST @Path("login/mfa")
    public Response loginMfa(InputStream body) {
        return api.call(() -> mfa.loginMfa(body));
    }

    @POST @Path("refresh")
    public Response refresh(InputStream body) {
        return api.call(() -> tokens.refresh(body));
    }

    @POST @Path("logout")
    public Response logout(InputStream body) {
        return api.call(() -> tokens.logout(body));
    }

    @POST @Path("change-password")
    public Response changePassword(InputStream body) {
        return api.call(() -> passwords.change(body));
    }

    @POST @Path("forgot-password")
    public Response forgotPassword(InputStream body) {
        return api.call(() -> passwords.forgot(body));
    }

    @POST @Path("reset-password")
    public Response resetPassword(InputStream body) {
        return api.call(() -> passwords.reset(body));
    }

    @POST @Path("verify-email")
    public Response verifyEmail(InputStream body) {
        return api.call(() -> verification.verify(body));
    }

    @POST @Path("resend-verification")
    public Response resendVerification(InputStream body) {
        return api.call(() -> verification.resend(body));
    }

    @GET @Path("me")
    public Response me() {
        return api.call(account::me);
    }

    @PATCH @Path("me")
    public Response updateMe(InputStream body) {
        return api.call(() -> account.updateMe(body));
    }

    @GET @Path("sessions")
    public Response sessions() {
        return api.call(account::sessions);
    }

    @DELETE @Path("sessions/{id}")
    public Response endSession(@PathParam("id") String id) {
        return api.call(() -> account.endSession(id));
    }

    @POST @Path("otp")
    public Response sendEmailCode(InputStream body) {
        return api.call(() -> emailCode.send(body));
    }

    @POST @Path("otp/verify")
    public Response verifyEmailCode(InputStream body) {
        return api.call(() -> emailCode.verify(body));
    }

    @POST @Path("me/email")
    public Response requestEmailChange(InputStream body) {
        return api.call(() -> emailChange.request(body));
    }

    @POST @Path("confirm-email-change")
    public Response confirmEmailChange(InputStream body) {
        return api.call(() -> emailChange.confirm(body));
    }

    @POST @Path("cancel-email-change")
    public Response cancelEmailChange(InputStream body) {
        return api.call(() -> emailChange.cancel(body));
    }

    @GET @Path("mfa/factors")
    public Response mfaFactors() {
        return api.call(mfa::factors);
    }

    @DELETE @Path("mfa/factors/{id}")
    public Response removeMfaFactor(@PathParam("id") String id, InputStream body) {
        return api.call(() -> mfa.removeFactor(id, body));
    }

    @POST @Path("mfa/totp")
    public Response startTotp(InputStream body) {
        return api.call(() -> mfa.startTotp(body));
    }

    @POST @Path("mfa/totp/verify")
    public Response confirmTotp(InputStream body) {
        return api.call(() -> mfa.confirmTotp(body));
    }

    @POST @Path("mfa/recovery-codes")
    public Response regenerateRecoveryCodes(InputStream body) {
        return api.call(() -> mfa.regenerateRecoveryCodes(body));
    }

    /** The Keycloak-hosted reset form, the default target of reset links. */
    @GET @Path(HostedResetPage.PATH)
    public Response resetPasswordPage(@QueryParam(HostedResetPage.TOKEN_PARAM) String token) {
        return api.page(() -> new HostedResetPage(api.session).show(token));
    }

    @POST @Path(HostedResetPage.PATH)
    public Response submitResetPasswordPage(@QueryParam(HostedResetPage.TOKEN_PARAM) String token) {
        return api.page(() -> new HostedResetPage(api.session).submit(token,
                api.session.getContext().getHttpRequest().getDecodedFormParameters()));
    }

    @GET @Path("openapi.json")
    public Response openApi() {
        return api.call(() -> Response.ok(OpenApiDocument.load(), MediaType.APPLICATION_JSON_TYPE.withCharset("utf-8")).build());
    }

    @OPTIONS @Path("{path: .*}")
    public Response preflight() {
        return Cors.builder().auth().preflight().allowedMethods("GET", "POST", "PATCH", "DELETE", "OPTIONS").add(Response.ok());
    }

    @GET @Path("{path: .*}")
    public Response unknownGet(@PathParam("path") String path) {
        return unknown(path);
    }

    @POST @Path("{path: .*}")
    public Response unknownPost(@PathParam("path") String path) {
        return unknown(path);
    }

    @PUT @Path("{path: .*}")
    public Response unknownPut(@PathParam("path") String path) {
        return unknown(path);
    }

    @PATCH @Path("{path: .*}")
    public Response unknownPatch(@PathParam("path") String path) {
        return unknown(path);
    }

    @DELETE @Path("{path: .*}")
    public Response unknownDelete(@PathParam("path") String path) {
        return unknown(path);
    }

    /** {@code prefix} + one path segment, e.g. sessions/{id}. */
    private static boolean isItem(String path, String prefix) {
        return path.startsWith(prefix) && path.length() > prefix.length() && path.indexOf('/', prefix.length()) < 0;
    }

    /** 405 for a known endpoint with the wrong method, 404 otherwise. */
    private Response unknown(String path) {
        return api.call(() -> {
            if (ENDPOINTS.contains(path) || isItem(path, "sessions/") || isItem(path, "mfa/factors/")) {
                throw new AuthException(AuthError.METHOD_NOT_ALLOWED, "Method not allowed on /auth/" + path);
            }
            throw new AuthException(AuthError.NOT_FOUND, "No such endpoint");
        });
    }
}
