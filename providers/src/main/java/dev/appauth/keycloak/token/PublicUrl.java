package dev.appauth.keycloak.token;

import java.net.URI;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

/**
 * The server's public base URL for what leaves the request, above all the links in mails: the realm's Frontend
 * URL, else Keycloak's {@code hostname} option. Never the request's Host or forwarded headers, which a caller
 * chooses: a reset link built from them would hand a live token to whoever controls that host.
 */
public final class PublicUrl {

    /** The realm attribute behind the console's "Frontend URL" setting. */
    static final String FRONTEND_URL_ATTRIBUTE = "frontendUrl";

    private PublicUrl() {
    }

    /** @return the configured public base URI, or null when neither the realm nor the server configures one */
    public static URI of(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        boolean configured = isSet(realm.getAttribute(FRONTEND_URL_ATTRIBUTE))
                // Keycloak maps its hostname option to this provider scope; read per use, it is an in-memory lookup
                || isSet(Config.scope("hostname", "v2").get("hostname"));
        // with either set, Keycloak's frontend URL is built from configuration alone
        return configured ? session.getContext().getUri(UrlType.FRONTEND).getBaseUri() : null;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
