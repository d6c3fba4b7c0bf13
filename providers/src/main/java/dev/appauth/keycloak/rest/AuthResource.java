package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;
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

    private static final Set<String> ENDPOINTS = Set.of("register", "login", "refresh", "logout", "openapi.json");

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

            EventBuilder event = newEvent(EventType.REGISTER)
                    .detail(Details.USERNAME, username == null ? email : username)
                    .detail(Details.EMAIL, email)
                    .detail(Details.REGISTER_METHOD, "auth-api");
            TokenIssuer issuer = new TokenIssuer(session, config, cors);
            TokenIssuer.AuthenticatedClient client = issuer.authenticateClient(clientId, event);

            Map<String, List<String>> attributes = new HashMap<>();
            attributes.put(UserModel.EMAIL, List.of(email));
            attributes.put(UserModel.USERNAME, List.of(username == null ? email : username));
            putIfPresent(attributes, UserModel.FIRST_NAME, firstName);
            putIfPresent(attributes, UserModel.LAST_NAME, lastName);
            putIfPresent(attributes, UserView.PICTURE_ATTRIBUTE, picture);
            UserProfile profile = session.getProvider(UserProfileProvider.class)
                    .create(UserProfileContext.REGISTRATION, attributes);
            boolean strict = realm.isVerifyEmail();
            try {
                profile.validate();
            } catch (ValidationException e) {
                ApiException error = profileErrors(e);
                event.error(error.getError());
                if (strict && "email_taken".equals(error.getError())) {
                    // strict mode never tells whether an address has an account
                    return json(Response.Status.ACCEPTED, Map.of("message", VERIFICATION_PENDING_MESSAGE));
                }
                throw error;
            }

            UserModel user = profile.create();
            user.setEnabled(true);
            PolicyError weak = session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password);
            if (weak != null) {
                event.error(Errors.PASSWORD_REJECTED);
                // the user created above must not survive a refused password
                throw new ApiException(Response.Status.BAD_REQUEST, "weak_password", "The password does not meet the password policy",
                        Map.of("password", List.of(messages(user).format(weak.getMessage(), weak.getParameters()))))
                        .rollingBack();
            }
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
            event.user(user);

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
            List<UserSessionModel> ended = new ArrayList<>();
            if ("all".equals(scope)) {
                session.sessions().getUserSessionsStream(realm, auth.user()).forEach(ended::add);
                session.sessions().getOfflineUserSessionsStream(realm, auth.user()).forEach(ended::add);
            } else {
                ended.add(auth.session());
                UserSessionModel other = sessionOfOwnRefreshToken(refreshToken, auth.user());
                if (other != null && !other.getId().equals(auth.session().getId())) {
                    ended.add(other);
                }
            }
            ended.forEach(s -> AuthenticationManager.backchannelLogout(session, s, true));
            event.success();
            return json(Response.Status.OK, Map.of("message", LOGOUT_MESSAGE));
        });
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
            if (ENDPOINTS.contains(path)) {
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

    private ApiException profileErrors(ValidationException e) {
        MessageFormatter formatter = messages(null);
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

    private static String apiField(String attribute) {
        return switch (attribute) {
            case UserModel.FIRST_NAME -> "first_name";
            case UserModel.LAST_NAME -> "last_name";
            case UserView.PICTURE_ATTRIBUTE -> "profile_image_url";
            default -> attribute;
        };
    }

    private MessageFormatter messages(UserModel user) {
        return new MessageFormatter(session, realm, session.getContext().resolveLocale(user));
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
            if (isUnavailable(e)) {
                LOG.warnf("A dependency is unavailable: %s", e.getClass().getName());
                response = error(ApiException.unavailable());
            } else {
                LOG.errorf("Unexpected error in %s: %s", session.getContext().getUri().getPath(), describe(e));
                LOG.debug("Unexpected error", e);
                response = error(new ApiException(Response.Status.INTERNAL_SERVER_ERROR, "server_error",
                        "The server could not complete the request"));
            }
        }
        cors.add();
        return response;
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

    /**
     * SQL states that mean "the database is not there right now", not "this request is wrong":
     * connection exceptions (08), insufficient resources (53), operator intervention such as a
     * shutdown or restart (57P), and driver errors without a state (pool acquisition timeouts).
     */
    private static boolean isUnavailableState(String state) {
        return state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P");
    }

    /** Exception classes and SQL states of a cause chain: enough to diagnose, without messages that may carry data. */
    static String describe(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null && chain.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
            if (chain.length() > 0) {
                chain.append(" <- ");
            }
            chain.append(t.getClass().getName());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                chain.append(" [SQLState ").append(sql.getSQLState()).append(']');
            }
        }
        return chain.toString();
    }

    /** Database or token store down: the caller may retry later, nothing was recorded. */
    static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && isUnavailableState(sql.getSQLState())) {
                return true;
            }
            String name = t.getClass().getSimpleName();
            if (name.equals("JDBCConnectionException") || name.equals("TokenStoreUnavailableException")
                    || name.equals("CannotAcquireLockException")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
