package dev.appauth.keycloak.lifecycle;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.theme.Theme;

/**
 * Turns Keycloak message keys (from password policies and user-profile validators) into the
 * human text of the realm's login theme, so API errors read like Keycloak's own pages.
 */
public final class MessageFormatter {

    private static final Logger LOG = Logger.getLogger(MessageFormatter.class);

    private final Properties messages;
    private final Locale locale;

    public MessageFormatter(KeycloakSession session, RealmModel realm, Locale locale) {
        this.locale = locale;
        this.messages = load(session, realm, locale);
    }

    public String format(String key, Object... params) {
        String pattern = messages.getProperty(key, key);
        Object[] resolved = new Object[params == null ? 0 : params.length];
        for (int i = 0; i < resolved.length; i++) {
            resolved[i] = resolve(params[i]);
        }
        try {
            return new MessageFormat(pattern.replace("'", "''"), locale).format(resolved);
        } catch (IllegalArgumentException e) {
            return pattern;
        }
    }

    /** Parameters may themselves be message keys, written as ${key} (attribute display names). */
    private Object resolve(Object param) {
        if (param instanceof String s) {
            if (s.startsWith("${") && s.endsWith("}")) {
                String key = s.substring(2, s.length() - 1);
                return messages.getProperty(key, key);
            }
            return messages.getProperty(s, s);
        }
        return param;
    }

    private static Properties load(KeycloakSession session, RealmModel realm, Locale locale) {
        try {
            Theme theme = session.theme().getTheme(Theme.Type.LOGIN);
            return theme.getEnhancedMessages(realm, locale);
        } catch (IOException e) {
            LOG.warnf("Could not load login theme messages: %s", e.getMessage());
            return new Properties();
        }
    }
}
