package dev.appauth.keycloak.token;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.services.Urls;
import org.keycloak.services.resources.LoginActionsService;

/**
 * Where the links in the account mails point. A client may name its app's own page in the client attribute
 * {@value #ACTION_URL_ATTRIBUTE} (an absolute http(s) URL): the link is then that page with
 * {@code ?token=...&type=reset-password|verify-email} appended, and the page calls the REST endpoint. Without
 * it, the link opens Keycloak's action-token endpoint, where this bundle's action-token handlers complete the
 * action on themed pages.
 */
public final class ActionLinks {

    /** Client attribute holding the URL of the app page that receives action tokens. */
    public static final String ACTION_URL_ATTRIBUTE = "auth-api.action-url";

    private ActionLinks() {
    }

    public static String link(ClientModel client, URI baseUri, String realmName, String token, ActionTokenKind kind) {
        String actionUrl = client == null ? null : client.getAttribute(ACTION_URL_ATTRIBUTE);
        if (isUsableActionUrl(actionUrl)) {
            return appLink(actionUrl.trim(), token, kind);
        }
        UriBuilder hosted = Urls.loginActionsBase(baseUri).path(LoginActionsService.class, "executeActionToken")
                .queryParam(Constants.KEY, token);
        if (client != null) {
            hosted.queryParam(Constants.CLIENT_ID, client.getClientId());
        }
        return hosted.build(realmName).toString();
    }

    /** The app's page with the token and its kind added to the query (before any fragment). */
    static String appLink(String actionUrl, String token, ActionTokenKind kind) {
        return appLink(actionUrl, token, kind.linkType());
    }

    /** The app's page with a token of another kind (e.g. a sign-in link) and its type. */
    public static String appLink(String actionUrl, String token, String linkType) {
        int hash = actionUrl.indexOf('#');
        String base = hash < 0 ? actionUrl : actionUrl.substring(0, hash);
        String fragment = hash < 0 ? "" : actionUrl.substring(hash);
        String separator = base.indexOf('?') < 0 ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
        return base + separator + "token=" + encode(token) + "&type=" + encode(linkType) + fragment;
    }

    /** An absolute http(s) URL with a host; anything else falls back to the hosted page. */
    public static boolean isUsableActionUrl(String actionUrl) {
        if (actionUrl == null || actionUrl.isBlank()) {
            return false;
        }
        try {
            URI uri = new URI(actionUrl.trim());
            String scheme = uri.getScheme();
            return uri.isAbsolute() && uri.getHost() != null
                    && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
