package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.appauth.keycloak.lifecycle.AccountMails;
import dev.appauth.keycloak.lifecycle.EmailVerification;
import dev.appauth.keycloak.lifecycle.HostedResetPage;
import dev.appauth.keycloak.lifecycle.NewPasswords;
import dev.appauth.keycloak.lifecycle.PasswordChange;
import dev.appauth.keycloak.lifecycle.PasswordReset;
import dev.appauth.keycloak.lifecycle.ProfileUpdate;
import dev.appauth.keycloak.lifecycle.UserSessions;
import dev.appauth.keycloak.token.InvalidActionTokenException;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import dev.appauth.keycloak.Failures;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.utils.EmailValidationUtil;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;

/**
 * The JSON API under {@code /realms/{realm}/auth/}. Each endpoint validates its body, delegates the
 * identity work to Keycloak (user profile, password policy, grant types, sessions, events) and maps
 * the outcome to the API's response and error shapes (see API.md and openapi.json).
 */
public class AuthResource {

    private static final Logger LOG = Logger.getLogger(AuthResource.class);

    static final String LOGOUT_MESSAGE = "Successfully logged out";
    static final String VERIFICATION_PENDING_MESSAGE =
            "If the address can be registered, a message has been sent to it. Follow the link in it to finish signing up.";
    static final String PASSWORD_CHANGED_MESSAGE = "Password changed; your other sessions were signed out";
    static final String RESET_REQUESTED_MESSAGE =
            "If an account exists for this address, a message with a link to reset its password has been sent to it.";
    static final String PASSWORD_RESET_MESSAGE = "Password reset; sign in with the new password";
    static final String EMAIL_VERIFIED_MESSAGE = "Email address verified";
    static final String VERIFICATION_RESENT_MESSAGE =
            "If the address belongs to an account that still needs verification, a new link has been sent to it.";
    static final String SESSION_ENDED_MESSAGE = "Session ended";
    /** Keycloak's password grant refuses users with pending required actions with this description. */
    private static final String ACCOUNT_NOT_SET_UP = "Account is not fully set up";
    /** Descriptions with which Keycloak's refresh grant refuses a refresh token that was already used. */
    private static final Set<String> REFRESH_REUSE = Set.of("Maximum allowed refresh token reuse exceeded", "Stale token");
    private static final String USED_REFRESH_TOKEN_KEY = "app-auth.used-refresh-token.";

    private static final int MAX_NAME = 255;
    private static final int MAX_EMAIL = 254;
    private static final int MAX_URL = 2048;
    /** Hashing cost grows with length: refuse absurd passwords before they reach the hasher. */
    private static final int MAX_PASSWORD = 1024;
    private static final int MAX_TOKEN = 16 * 1024;

    private static final int MAX_SESSION_ID = 255;

    private static final Set<String> ENDPOINTS = Set.of("register", "login", "refresh", "logout", "openapi.json",
            "change-password", "forgot-password", "reset-password", "verify-email", "resend-verification", "me", "sessions",
            HostedResetPage.PATH);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AuthApiConfig config;
    private final Cors cors;
    private ApiRateLimiter limits;

    public AuthResource(KeycloakSession session, AuthApiConfig config) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.config = config;
        this.cors = Cors.builder().auth().allowedMethods("GET", "POST", "PATCH", "DELETE")
                .exposedHeaders("Retry-After", "WWW-Authenticate");
    }

    @POST
    @Path("register")
    public Response register(InputStream body) {
        return handle(() -> {
            limits().checkIp("register");
            JsonRequest request = readBody(body, false);
            String email = request.string("email", true, MAX_EMAIL);
            String password = request.secret("password", true, MAX_PASSWORD);
            String username = request.string("username", !realm.isRegistrationEmailAsUsername(), MAX_NAME);
            String firstName = request.string("first_name", false, MAX_NAME);
            String lastName = request.string("last_name", false, MAX_NAME);
            String picture = request.string("profile_image_url", false, MAX_URL);
            String clientId = request.string("client_id", false, MAX_NAME);
            request.requireValid();
            limits().checkAccount("register", email);
            // realms that use the email as username take no username field
            String login = username == null ? email : username;

            EventBuilder event = newEvent(EventType.REGISTER)
                    .detail(Details.USERNAME, login)
                    .detail(Details.EMAIL, email)
                    .detail(Details.REGISTER_METHOD, "auth-api");
            TokenIssuer issuer = new TokenIssuer(session, config, cors);
            TokenIssuer.AuthenticatedClient client = issuer.authenticateClient(clientId, event);

            Map<String, List<String>> attributes = new HashMap<>();
            attributes.put(UserModel.EMAIL, List.of(email));
            attributes.put(UserModel.USERNAME, List.of(login));
            putIfPresent(attributes, UserModel.FIRST_NAME, firstName);
            putIfPresent(attributes, UserModel.LAST_NAME, lastName);
            putIfPresent(attributes, UserView.PICTURE_ATTRIBUTE, picture);
            UserProfile profile = session.getProvider(UserProfileProvider.class)
                    .create(UserProfileContext.REGISTRATION, attributes);
            boolean strict = realm.isVerifyEmail();
            try {
                profile.validate();
            } catch (ValidationException e) {
                if (strict && isOnlyEmailTaken(e)) {
                    // strict mode never tells whether an address has an account: the same checks, the same cost, the
                    // same answer; the owner of the address learns about the attempt by mail
                    ApiException weak = NewPasswords.checkWithoutAccount(session, login, password, "password");
                    if (weak != null) {
                        event.error(Errors.PASSWORD_REJECTED);
                        throw weak;
                    }
                    event.error("email_taken");
                    new AccountMails(session).accountExists(email);
                    return json(Response.Status.ACCEPTED, Map.of("message", VERIFICATION_PENDING_MESSAGE));
                }
                ApiException error = ProfileErrors.of(session, e);
                event.error(error.getError());
                throw error;
            }

            UserModel user = profile.create();
            user.setEnabled(true);
            ApiException weak = NewPasswords.check(session, user, password, "password");
            if (weak != null) {
                event.error(Errors.PASSWORD_REJECTED);
                // the user created above must not survive a refused password
                throw weak.rollingBack();
            }
            NewPasswords.set(user, password);
            event.user(user);
            new AccountMails(session).verificationTo(user, client.client().getClientId());

            if (strict) {
                event.success();
                return json(Response.Status.ACCEPTED, Map.of("message", VERIFICATION_PENDING_MESSAGE));
            }
            AccessTokenResponse tokens = issuer.startSession(client, user, newEvent(EventType.LOGIN)
                    .detail(Details.USERNAME, user.getUsername()).detail(Details.AUTH_METHOD, "auth-api-register"));
            event.session(tokens.getSessionState()).success();
            return json(Response.Status.CREATED, tokenResponse(tokens, user));
        });
    }

    @POST
    @Path("login")
    public Response login(InputStream body) {
        return handle(() -> {
            limits().checkIp("login");
            JsonRequest request = readBody(body, false);
            String email = request.string("email", false, MAX_EMAIL);
            String username = request.string("username", false, MAX_NAME);
            String password = request.secret("password", true, MAX_PASSWORD);
            String clientId = request.string("client_id", false, MAX_NAME);
            if (email == null && username == null && !request.has("email") && !request.has("username")) {
                request.fieldError("email", "is required (or username)");
            }
            request.requireValid();
            if (email == null && username == null) {
                throw ApiException.invalidRequest("email or username is required", Map.of("email", List.of("must not be empty")));
            }
            String login = email != null ? email : username;
            limits().checkAccount("login", login);

            EventBuilder event = newEvent(EventType.LOGIN);
            TokenIssuer issuer = new TokenIssuer(session, config, cors);
            TokenIssuer.AuthenticatedClient client = issuer.authenticateClient(clientId, event);
            TokenIssuer.GrantResult result = issuer.passwordGrant(client, login, password, event);
            if (result.succeeded()) {
                return json(Response.Status.OK, tokenResponse(result.tokens(), userOf(result.tokens())));
            }
            if ("unauthorized_client".equals(result.error())) {
                throw new ApiException(Response.Status.BAD_REQUEST, "unauthorized_client",
                        "This client is not allowed to log users in with a password");
            }
            if (ACCOUNT_NOT_SET_UP.equals(result.errorDescription())) {
                // Keycloak only reports this after the password was verified
                UserModel user = KeycloakModelUtils.findUserByNameOrEmail(session, realm, login);
                if (user != null && (!user.isEmailVerified() && realm.isVerifyEmail()
                        || user.getRequiredActionsStream().anyMatch(UserModel.RequiredAction.VERIFY_EMAIL.name()::equals))) {
                    throw new ApiException(Response.Status.FORBIDDEN, "email_not_verified",
                            "The email address of this account is not verified yet");
                }
                throw new ApiException(Response.Status.FORBIDDEN, "account_setup_required",
                        "The account has pending actions; finish them in the account console");
            }
            throw ApiException.invalidCredentials();
        });
    }

    @POST
    @Path("refresh")
    public Response refresh(InputStream body) {
        return handle(() -> {
            limits().checkIp("refresh");
            JsonRequest request = readBody(body, false);
            String refreshToken = request.string("refresh_token", true, MAX_TOKEN);
            String clientId = request.string("client_id", false, MAX_NAME);
            request.requireValid();

            // signature checked here, so that only genuine tokens are recorded as spent or end sessions
            RefreshToken presented = session.tokens().decode(refreshToken, RefreshToken.class);
            if (presented == null || presented.getIssuedFor() == null
                    || (clientId != null && !clientId.equals(presented.getIssuedFor()))) {
                throw ApiException.invalidGrant();
            }
            EventBuilder event = newEvent(EventType.REFRESH_TOKEN);
            TokenIssuer issuer = new TokenIssuer(session, config, cors);
            TokenIssuer.AuthenticatedClient client;
            try {
                client = issuer.authenticateClient(presented.getIssuedFor(), event);
            } catch (ApiException e) {
                throw "invalid_client".equals(e.getError()) && e.getStatus() == Response.Status.BAD_REQUEST
                        ? ApiException.invalidGrant() : e;
            }
            // Spent before Keycloak sees it: atomic in the single-use store, so of two racing requests
            // exactly one proceeds, and an outage stops the request before Keycloak changes the session.
            if (!markSpent(presented)) {
                // the token came back: whoever holds the family now is not to be trusted
                endStolenSession(presented);
                throw ApiException.invalidGrant();
            }
            TokenIssuer.GrantResult result;
            try {
                result = issuer.refreshGrant(client, refreshToken, event);
            } catch (ApiException e) {
                if (e.rollsBack()) {
                    // nothing was issued: let the client retry with the same token once the dependency is back
                    unmarkSpent(presented);
                }
                throw e;
            }
            if (!result.succeeded()) {
                if (REFRESH_REUSE.contains(result.errorDescription())) {
                    // used at Keycloak's own token endpoint before: the same theft, seen by Keycloak
                    endStolenSession(presented);
                }
                throw ApiException.invalidGrant();
            }
            return json(Response.Status.OK, tokenResponse(result.tokens(), userOf(result.tokens())));
        });
    }

    @POST
    @Path("logout")
    public Response logout(InputStream body) {
        return handle(() -> {
            AuthenticationManager.AuthResult auth = bearer();
            JsonRequest request = readBody(body, true);
            String scope = request.string("scope", false, 16);
            String refreshToken = request.string("refresh_token", false, MAX_TOKEN);
            if (scope != null && !scope.equals("current") && !scope.equals("all")) {
                request.fieldError("scope", "must be \"current\" or \"all\"");
            }
            request.requireValid();

            EventBuilder event = newEvent(EventType.LOGOUT).user(auth.user()).session(auth.session())
                    .detail("scope", scope == null ? "current" : scope);
            revoke(auth.token());
            UserSessions sessions = new UserSessions(session);
            if ("all".equals(scope)) {
                sessions.endAll(auth.user());
            } else {
                sessions.end(auth.session());
                UserSessionModel other = sessionOfOwnRefreshToken(refreshToken, auth.user());
                if (other != null && !other.getId().equals(auth.session().getId())) {
                    sessions.end(other);
                }
            }
            event.success();
            return json(Response.Status.OK, Map.of("message", LOGOUT_MESSAGE));
        });
    }

    @POST
    @Path("change-password")
    public Response changePassword(InputStream body) {
        return handle(() -> {
            limits().checkIp("change-password");
            AuthenticationManager.AuthResult auth = bearer();
            JsonRequest request = readBody(body, false);
            String currentPassword = request.secret("current_password", true, MAX_PASSWORD);
            String newPassword = request.secret("new_password", true, MAX_PASSWORD);
            request.requireValid();

            new PasswordChange(session).change(auth.user(), auth.session(), auth.token().getIssuedFor(), currentPassword, newPassword);
            return json(Response.Status.OK, Map.of("message", PASSWORD_CHANGED_MESSAGE));
        });
    }

    /** Answers before anything depends on the address: the account lookup and the mail happen after the response. */
    @POST
    @Path("forgot-password")
    public Response forgotPassword(InputStream body) {
        return handle(() -> {
            limits().checkIp("forgot-password");
            JsonRequest request = readBody(body, false);
            String email = emailField(request);
            String clientId = request.string("client_id", false, MAX_NAME);
            request.requireValid();
            limits().checkAccount("forgot-password", email);

            new PasswordReset(session).requestLink(email, linkClientId(clientId));
            return json(Response.Status.ACCEPTED, Map.of("message", RESET_REQUESTED_MESSAGE));
        });
    }

    @POST
    @Path("reset-password")
    public Response resetPassword(InputStream body) {
        return handle(() -> {
            limits().checkIp("reset-password");
            JsonRequest request = readBody(body, false);
            String token = request.string("token", true, MAX_TOKEN);
            String newPassword = request.secret("new_password", true, MAX_PASSWORD);
            request.requireValid();
            try {
                new PasswordReset(session).reset(token, newPassword, "new_password");
            } catch (InvalidActionTokenException e) {
                throw invalidActionToken();
            }
            return json(Response.Status.OK, Map.of("message", PASSWORD_RESET_MESSAGE));
        });
    }

    @POST
    @Path("verify-email")
    public Response verifyEmail(InputStream body) {
        return handle(() -> {
            limits().checkIp("verify-email");
            JsonRequest request = readBody(body, false);
            String token = request.string("token", true, MAX_TOKEN);
            request.requireValid();
            UserModel user;
            try {
                user = new EmailVerification(session).verify(token);
            } catch (InvalidActionTokenException e) {
                throw invalidActionToken();
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("message", EMAIL_VERIFIED_MESSAGE);
            response.put("user", UserView.of(user));
            return json(Response.Status.OK, response);
        });
    }

    /** With a Bearer token: the signed-in user's address; otherwise the address in the body, answered like forgot-password. */
    @POST
    @Path("resend-verification")
    public Response resendVerification(InputStream body) {
        return handle(() -> {
            limits().checkIp("resend-verification");
            EmailVerification verification = new EmailVerification(session);
            if (session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
                AuthenticationManager.AuthResult auth = bearer();
                readBody(body, true);
                limits().checkAccount("resend-verification", auth.user().getEmail());
                verification.resend(auth.user(), auth.token().getIssuedFor(), config.resendCooldown());
            } else {
                JsonRequest request = readBody(body, false);
                String email = emailField(request);
                String clientId = request.string("client_id", false, MAX_NAME);
                request.requireValid();
                limits().checkAccount("resend-verification", email);
                verification.resend(email, linkClientId(clientId), config.resendCooldown());
            }
            return json(Response.Status.ACCEPTED, Map.of("message", VERIFICATION_RESENT_MESSAGE));
        });
    }

    @GET
    @Path("me")
    public Response me() {
        return handle(() -> json(Response.Status.OK, UserView.of(bearer().user())));
    }

    /**
     * Changes the caller's own profile. A field left out stays as it is; null clears an optional field. The email
     * cannot change here: a new address would have to be verified before it replaces the old one.
     */
    @PATCH
    @Path("me")
    public Response updateMe(InputStream body) {
        return handle(() -> {
            AuthenticationManager.AuthResult auth = bearer();
            JsonRequest request = readBody(body, false);
            Map<String, String> changes = new LinkedHashMap<>();
            patchField(request, changes, "username", UserModel.USERNAME, MAX_NAME, false);
            patchField(request, changes, "first_name", UserModel.FIRST_NAME, MAX_NAME, true);
            patchField(request, changes, "last_name", UserModel.LAST_NAME, MAX_NAME, true);
            patchField(request, changes, "profile_image_url", UserView.PICTURE_ATTRIBUTE, MAX_URL, true);
            if (request.present("email")) {
                request.fieldError("email", "cannot be changed here: a new address must be verified before it replaces the current one");
            }
            request.requireValid();

            UserModel user = changes.isEmpty() ? auth.user()
                    : new ProfileUpdate(session).update(auth.user(), auth.session(), auth.token().getIssuedFor(), changes);
            return json(Response.Status.OK, UserView.of(user));
        });
    }

    @GET
    @Path("sessions")
    public Response sessions() {
        return handle(() -> {
            AuthenticationManager.AuthResult auth = bearer();
            List<Map<String, Object>> sessions = new UserSessions(session).list(auth.user()).stream()
                    .map(s -> SessionView.of(s, auth.session().getId()))
                    .toList();
            return json(Response.Status.OK, sessions);
        });
    }

    /** Ends one of the caller's own sessions; an unknown id and another user's session look the same (404). */
    @DELETE
    @Path("sessions/{id}")
    public Response endSession(@PathParam("id") String id) {
        return handle(() -> {
            AuthenticationManager.AuthResult auth = bearer();
            UserSessions sessions = new UserSessions(session);
            UserSessionModel target = id == null || id.length() > MAX_SESSION_ID ? null : sessions.own(auth.user(), id);
            if (target == null) {
                throw new ApiException(Response.Status.NOT_FOUND, "not_found", "No such session");
            }
            EventBuilder event = newEvent(EventType.LOGOUT).user(auth.user()).session(target).detail("scope", "session");
            if (target.getId().equals(auth.session().getId())) {
                revoke(auth.token());
            }
            sessions.end(target);
            event.success();
            return json(Response.Status.OK, Map.of("message", SESSION_ENDED_MESSAGE));
        });
    }

    /** The Keycloak-hosted reset form (the default target of reset links), see {@link HostedResetPage}. */
    @GET
    @Path(HostedResetPage.PATH)
    public Response resetPasswordPage(@QueryParam(HostedResetPage.TOKEN_PARAM) String token) {
        return page(() -> new HostedResetPage(session).show(token));
    }

    @POST
    @Path(HostedResetPage.PATH)
    public Response submitResetPasswordPage(@QueryParam(HostedResetPage.TOKEN_PARAM) String token) {
        return page(() -> new HostedResetPage(session).submit(token,
                session.getContext().getHttpRequest().getDecodedFormParameters()));
    }

    @GET
    @Path("openapi.json")
    public Response openApi() {
        return handle(() -> Response.ok(OpenApiDocument.load(), MediaType.APPLICATION_JSON_TYPE.withCharset("utf-8")).build());
    }

    @OPTIONS
    @Path("{path: .*}")
    public Response preflight() {
        return Cors.builder().auth().preflight().allowedMethods("GET", "POST", "PATCH", "DELETE", "OPTIONS")
                .add(Response.ok());
    }

    /** Anything else under /auth: 405 for a known endpoint with the wrong method, 404 otherwise, in the API's error shape. */
    @GET
    @Path("{path: .*}")
    public Response unknownGet(@PathParam("path") String path) {
        return notFound(path);
    }

    @POST
    @Path("{path: .*}")
    public Response unknownPost(@PathParam("path") String path) {
        return notFound(path);
    }

    @PUT
    @Path("{path: .*}")
    public Response unknownPut(@PathParam("path") String path) {
        return notFound(path);
    }

    @PATCH
    @Path("{path: .*}")
    public Response unknownPatch(@PathParam("path") String path) {
        return notFound(path);
    }

    @DELETE
    @Path("{path: .*}")
    public Response unknownDelete(@PathParam("path") String path) {
        return notFound(path);
    }

    private Response notFound(String path) {
        return handle(() -> {
            if (ENDPOINTS.contains(path) || path.startsWith("sessions/") && path.indexOf('/', "sessions/".length()) < 0) {
                throw new ApiException(Response.Status.METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed on /auth/" + path);
            }
            throw new ApiException(Response.Status.NOT_FOUND, "not_found", "No such endpoint");
        });
    }

    // --- helpers ---------------------------------------------------------------------------------

    private ApiRateLimiter limits() {
        if (limits == null) {
            limits = new ApiRateLimiter(session, config.rateLimits());
        }
        return limits;
    }

    private JsonRequest readBody(InputStream body, boolean optional) {
        return JsonRequest.read(session.getContext().getRequestHeaders(), body, config.maxBodyBytes(), optional);
    }

    /** A required, syntactically valid email address. */
    private static String emailField(JsonRequest request) {
        String email = request.string("email", true, MAX_EMAIL);
        if (email != null && !EmailValidationUtil.isValidEmail(email)) {
            request.fieldError("email", "must be a valid email address");
            return null;
        }
        return email;
    }

    /**
     * The client whose settings the mailed link follows (its {@code auth-api.action-url}): the one named, if the
     * admin allowed it for this API, else the default. Only picks where the link points, so no client
     * authentication is needed.
     */
    private String linkClientId(String requestedClientId) {
        return TokenIssuer.allowedClient(realm, config, requestedClientId).getClientId();
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

    private static ApiException invalidActionToken() {
        return new ApiException(Response.Status.BAD_REQUEST, "invalid_token", "The link is invalid, has expired or was already used");
    }

    private EventBuilder newEvent(EventType type) {
        return new EventBuilder(realm, session, session.getContext().getConnection()).event(type);
    }

    private AuthenticationManager.AuthResult bearer() {
        AppAuthManager.AuthHeader header;
        try {
            header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getRequestHeaders());
        } catch (jakarta.ws.rs.NotAuthorizedException e) {
            header = null; // several Authorization headers
        }
        if (header == null) {
            throw ApiException.invalidToken();
        }
        AuthenticationManager.AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session)
                .setTokenString(header.getToken()).authenticate();
        if (auth == null || auth.session() == null) {
            throw ApiException.invalidToken();
        }
        try {
            cors.checkAllowedOrigins(auth.token());
        } catch (jakarta.ws.rs.ForbiddenException e) {
            throw new ApiException(Response.Status.FORBIDDEN, "invalid_origin", "Origin not allowed for this client");
        }
        return auth;
    }

    /** Revokes an access token the way Keycloak's revocation endpoint does: userinfo and introspection reject it at once. */
    private void revoke(AccessToken token) {
        if (token.getId() != null && token.getExp() != null) {
            session.revokedTokens().put(token.getId(), Math.max(token.getExp() - Time.currentTime() + 1, 10));
        }
    }

    /** Records the refresh token as spent; false if it already was (a replay), whatever Keycloak's reuse counter says. */
    private boolean markSpent(RefreshToken token) {
        if (token.getId() == null) {
            return true;
        }
        return session.singleUseObjects().putIfAbsent(spentKey(token), spentLifespan(token));
    }

    private void unmarkSpent(RefreshToken token) {
        if (token.getId() != null) {
            try {
                session.singleUseObjects().remove(spentKey(token));
            } catch (RuntimeException e) {
                // the store itself is down: the mark expires with the token; the client logs in again
                LOG.debugf("Could not unmark refresh token: %s", e.getClass().getSimpleName());
            }
        }
    }

    private static String spentKey(RefreshToken token) {
        return USED_REFRESH_TOKEN_KEY + token.getId();
    }

    private long spentLifespan(RefreshToken token) {
        long lifespan = token.getExp() == null ? realm.getOfflineSessionIdleTimeout()
                : token.getExp() - Time.currentTime() + 1;
        return Math.max(lifespan, 1);
    }

    private void endStolenSession(RefreshToken token) {
        UserSessionModel userSession = token.getSessionId() == null ? null
                : session.sessions().getUserSession(realm, token.getSessionId());
        EventBuilder event = newEvent(EventType.REFRESH_TOKEN).detail(Details.REASON, "refresh_token_reused");
        if (userSession != null) {
            event.user(userSession.getUser()).session(userSession);
            AuthenticationManager.backchannelLogout(session, userSession, true);
        }
        event.error(Errors.INVALID_TOKEN);
    }

    /** The session of a refresh token presented at logout, if it is genuine and the caller's own. */
    private UserSessionModel sessionOfOwnRefreshToken(String refreshToken, UserModel user) {
        if (refreshToken == null) {
            return null;
        }
        RefreshToken token = session.tokens().decode(refreshToken, RefreshToken.class);
        if (token == null || token.getSessionId() == null || !token.isActive()) {
            return null;
        }
        UserSessionModel userSession = session.sessions().getUserSession(realm, token.getSessionId());
        return userSession != null && userSession.getUser().getId().equals(user.getId()) ? userSession : null;
    }

    private UserModel userOf(AccessTokenResponse tokens) {
        AccessToken token = decode(tokens.getToken(), AccessToken.class);
        UserModel user = token == null ? null : session.users().getUserById(realm, token.getSubject());
        if (user == null) {
            throw new IllegalStateException("Issued token without a resolvable subject");
        }
        return user;
    }

    /** Reads a token we issued (or that Keycloak already verified) without checking its signature again. */
    private static <T> T decode(String jwt, Class<T> type) {
        try {
            return new JWSInput(jwt).readJsonContent(type);
        } catch (JWSInputException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isOnlyEmailTaken(ValidationException e) {
        return !e.getErrors().isEmpty()
                && e.getErrors().stream().allMatch(error -> Messages.EMAIL_EXISTS.equals(error.getMessage()));
    }

    private static void putIfPresent(Map<String, List<String>> attributes, String name, String value) {
        if (value != null) {
            attributes.put(name, List.of(value));
        }
    }

    private static Map<String, Object> tokenResponse(AccessTokenResponse tokens, UserModel user) {
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("access_token", tokens.getToken());
        token.put("refresh_token", tokens.getRefreshToken());
        token.put("token_type", "bearer");
        token.put("expires_in", tokens.getExpiresIn());
        token.put("refresh_expires_in", tokens.getRefreshExpiresIn());
        token.put("scope", tokens.getScope());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("token", token);
        response.put("user", UserView.of(user));
        return response;
    }

    private Response json(Response.Status status, Object entity) {
        try {
            return Response.status(status)
                    .type(MediaType.APPLICATION_JSON_TYPE.withCharset("utf-8"))
                    .header("Cache-Control", "no-store")
                    .header("Pragma", "no-cache")
                    .entity(JsonRequest.mapper().writeValueAsString(entity))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Response could not be serialised", e);
        }
    }

    /**
     * Runs an endpoint and turns every failure into the API's error shape: ApiException as given,
     * an unreachable dependency as 503, anything else as a logged 500 without internals.
     */
    private Response handle(Supplier<Response> endpoint) {
        Response response;
        try {
            response = endpoint.get();
        } catch (ApiException e) {
            if (e.rollsBack()) {
                session.getTransactionManager().setRollbackOnly();
            }
            response = error(e);
        } catch (ModelDuplicateException e) {
            session.getTransactionManager().setRollbackOnly();
            response = error(new ApiException(Response.Status.CONFLICT, "conflict", "The account changed concurrently; try again"));
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            if (Failures.isUnavailable(e)) {
                LOG.warnf("A dependency is unavailable: %s", e.getClass().getName());
                response = error(ApiException.unavailable());
            } else {
                LOG.errorf("Unexpected error in %s: %s", session.getContext().getUri().getPath(), Failures.describe(e));
                LOG.debug("Unexpected error", e);
                response = error(new ApiException(Response.Status.INTERNAL_SERVER_ERROR, "server_error",
                        "The server could not complete the request"));
            }
        }
        cors.add();
        return response;
    }

    /** Like {@link #handle}, for the HTML pages: failures end in Keycloak's themed error page, never in JSON or internals. */
    private Response page(Supplier<Response> endpoint) {
        try {
            return endpoint.get();
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            LOG.errorf("Unexpected error in %s: %s", session.getContext().getUri().getPath(), Failures.describe(e));
            LOG.debug("Unexpected error", e);
            return session.getProvider(LoginFormsProvider.class).setError(Messages.INTERNAL_SERVER_ERROR)
                    .createErrorPage(Failures.isUnavailable(e) ? Response.Status.SERVICE_UNAVAILABLE : Response.Status.INTERNAL_SERVER_ERROR);
        }
    }

    private Response error(ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getError());
        body.put("error_description", e.getMessage());
        if (!e.getFieldErrors().isEmpty()) {
            body.put("field_errors", e.getFieldErrors());
        }
        Response response = json(e.getStatus(), body);
        e.getHeaders().forEach((name, value) -> response.getHeaders().putSingle(name, value));
        return response;
    }
}
