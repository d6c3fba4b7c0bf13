package dev.appauth.keycloak.rest;

import java.io.InputStream;
import java.util.function.Supplier;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.Failures;
import dev.appauth.keycloak.lifecycle.AllowedClients;
import dev.appauth.keycloak.ratelimit.RealmRateLimiter;

/**
 * One request of the API: what every endpoint needs (session, realm, options, CORS, rate limits, body, caller)
 * and the one place that turns an endpoint's outcome into a response and decides the transaction: a refused
 * request answers in the API's error shape, an unreachable dependency 503, anything else a logged 500 without
 * internals; everything but a success rolls back.
 */
final class ApiContext {

    private static final Logger LOG = Logger.getLogger(ApiContext.class);

    static final String[] METHODS = {"GET", "POST", "PATCH", "DELETE"};

    final KeycloakSession session;
    final RealmModel realm;
    final AuthApiConfig config;
    final Cors cors;
    private RealmRateLimiter limits;

    ApiContext(KeycloakSession session, AuthApiConfig config) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.config = config;
        this.cors = Cors.builder().auth().allowedMethods(METHODS).exposedHeaders("Retry-After", "WWW-Authenticate");
    }

    RealmRateLimiter limits() {
        if (limits == null) {
            limits = new RealmRateLimiter(session, config.rateLimits());
        }
        return limits;
    }

    JsonRequest body(InputStream body, boolean optional) {
        return JsonRequest.read(session.getContext().getRequestHeaders(), body, config.maxBodyBytes(), optional);
    }

    AuthenticationManager.AuthResult bearer() {
        return BearerAuth.authenticate(session, cors);
    }

    /**
     * The client whose settings a mailed link follows (its {@code auth-api.action-url}): the one named, if the admin
     * allowed it for this API, else the default. Only picks where the link points, so no client authentication is needed.
     */
    String linkClientId(String requestedClientId) {
        return AllowedClients.resolve(realm, config.defaultClientId(), requestedClientId).getClientId();
    }

    EventBuilder event(EventType type) {
        return new EventBuilder(realm, session, session.getContext().getConnection()).event(type);
    }

    /** Runs a JSON endpoint. */
    Response call(Supplier<Response> endpoint) {
        Response response;
        try {
            checkRealmAndSsl();
            response = endpoint.get();
        } catch (AuthException e) {
            if (e.rollsBack()) {
                session.getTransactionManager().setRollbackOnly();
            }
            response = ApiResponses.error(e, realm);
        } catch (ModelDuplicateException e) {
            session.getTransactionManager().setRollbackOnly();
            response = ApiResponses.error(new AuthException(AuthError.CONFLICT, "The account changed concurrently; try again"), realm);
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            AuthException answer = Failures.isUnavailable(e) ? unavailable(e) : unexpected(e);
            response = ApiResponses.error(answer, realm);
        }
        cors.add();
        return response;
    }

    /** Runs an HTML page: failures end in Keycloak's themed error page, never in JSON or internals. */
    Response page(Supplier<Response> page) {
        try {
            checkRealmAndSsl();
            return page.get();
        } catch (AuthException e) {
            return session.getProvider(LoginFormsProvider.class).setError(e.error() == AuthError.HTTPS_REQUIRED
                    ? Messages.HTTPS_REQUIRED : Messages.REALM_NOT_ENABLED).createErrorPage(ApiResponses.status(e.error()));
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            boolean unavailable = Failures.isUnavailable(e);
            if (unavailable) {
                unavailable(e);
            } else {
                unexpected(e);
            }
            return session.getProvider(LoginFormsProvider.class).setError(Messages.INTERNAL_SERVER_ERROR)
                    .createErrorPage(unavailable ? Response.Status.SERVICE_UNAVAILABLE : Response.Status.INTERNAL_SERVER_ERROR);
        }
    }

    /**
     * What Keycloak's token endpoint checks before anything else: the realm is enabled, and its "Require SSL"
     * (external requests or all) is met. Who counts as external follows Keycloak: the client address, taken
     * from the forwarded headers only when they come from a trusted proxy.
     */
    private void checkRealmAndSsl() {
        if (!realm.isEnabled()) {
            throw new AuthException(AuthError.REALM_DISABLED, "Realm not enabled");
        }
        if (!"https".equals(session.getContext().getUri().getBaseUri().getScheme())
                && realm.getSslRequired().isRequired(session.getContext().getConnection())) {
            throw new AuthException(AuthError.HTTPS_REQUIRED, "HTTPS required");
        }
    }

    private AuthException unavailable(RuntimeException e) {
        LOG.warnf("A dependency is unavailable: %s", e.getClass().getName());
        return AuthException.unavailable();
    }

    private AuthException unexpected(RuntimeException e) {
        LOG.errorf("Unexpected error in %s: %s", session.getContext().getUri().getPath(), Failures.describe(e));
        LOG.debug("Unexpected error", e);
        return new AuthException(AuthError.SERVER_ERROR, "The server could not complete the request");
    }
}
