package dev.appauth.keycloak.rest;

import java.net.URI;
import java.util.List;

import dev.appauth.keycloak.AuthException;
import dev.appauth.keycloak.lifecycle.PasswordReset;
import dev.appauth.keycloak.token.InvalidActionTokenException;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.Urls;
import org.keycloak.services.messages.Messages;

/**
 * The Keycloak-hosted password-reset form, for realms whose client names no app page for links. It is served by
 * the /auth resource at {@value #PATH} (the reset link's action-token handler redirects there), rendered with
 * the realm's login theme through Keycloak's LoginFormsProvider, and posts back to the same URL. The template
 * and its texts ship in the provider jar as theme resources, so they work with any login theme.
 */
public final class HostedResetPage {

    public static final String PATH = "reset-password-page";
    public static final String TOKEN_PARAM = "token";
    static final String TEMPLATE = "app-auth-reset-password.ftl";
    static final String LINK_INVALID_MESSAGE = "appAuthLinkInvalidMessage";
    static final String NEW_PASSWORD = "password-new";
    static final String CONFIRMATION = "password-confirm";
    private static final String DONE_HEADER = "appAuthPasswordResetDoneHeader";
    private static final String DONE_MESSAGE = "appAuthPasswordResetDoneMessage";
    /** As the JSON API: hashing cost grows with length, so absurd passwords never reach the hasher. */
    private static final int MAX_PASSWORD = 1024;
    /** Keycloak's message of its maximum-length password policy. */
    private static final String PASSWORD_TOO_LONG = "invalidPasswordMaxLengthMessage";

    private final KeycloakSession session;
    private final PasswordReset reset;

    public HostedResetPage(KeycloakSession session) {
        this.session = session;
        this.reset = new PasswordReset(session);
    }

    public static URI url(URI baseUri, String realmName, String token) {
        return Urls.realmBase(baseUri).path("{realm}").path(AuthResourceProviderFactory.ID).path(PATH)
                .queryParam(TOKEN_PARAM, token).build(realmName);
    }

    /** The form, if the token may still reset a password; opening it does not spend the token. */
    public Response show(String token) {
        try {
            return form(reset.accountOf(token), token, null);
        } catch (InvalidActionTokenException e) {
            return invalidLink();
        }
    }

    public Response submit(String token, MultivaluedMap<String, String> form) {
        UserModel user;
        try {
            user = reset.accountOf(token);
        } catch (InvalidActionTokenException e) {
            return invalidLink();
        }
        String password = form.getFirst(NEW_PASSWORD);
        if (password == null || password.isEmpty()) {
            return form(user, token, new FormMessage(NEW_PASSWORD, Messages.MISSING_PASSWORD));
        }
        if (password.length() > MAX_PASSWORD) {
            return form(user, token, new FormMessage(NEW_PASSWORD, PASSWORD_TOO_LONG, MAX_PASSWORD));
        }
        if (!password.equals(form.getFirst(CONFIRMATION))) {
            return form(user, token, new FormMessage(CONFIRMATION, Messages.NOTMATCH_PASSWORD));
        }
        try {
            reset.reset(token, password, NEW_PASSWORD);
        } catch (InvalidActionTokenException e) {
            return invalidLink();
        } catch (AuthException weak) {
            List<String> messages = weak.fieldErrors().getOrDefault(NEW_PASSWORD, List.of(weak.getMessage()));
            return form(user, token, new FormMessage(NEW_PASSWORD, messages.get(0)));
        }
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class).setUser(user);
        return forms.setAttribute("messageHeader", forms.getMessage(DONE_HEADER)).setSuccess(DONE_MESSAGE).createInfoPage();
    }

    private Response form(UserModel user, String token, FormMessage error) {
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class).setUser(user)
                .setActionUri(url(session.getContext().getUri().getBaseUri(), session.getContext().getRealm().getName(), token))
                .setAttribute("appAuthEmail", user.getEmail());
        if (error != null) {
            forms.addError(error).setStatus(Response.Status.BAD_REQUEST);
        }
        return forms.createForm(TEMPLATE);
    }

    private Response invalidLink() {
        return session.getProvider(LoginFormsProvider.class).setError(LINK_INVALID_MESSAGE)
                .createErrorPage(Response.Status.BAD_REQUEST);
    }
}
