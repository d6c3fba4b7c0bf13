package dev.appauth.keycloak;

import org.keycloak.models.RealmModel;

/**
 * Durations an admin tunes per realm as realm attributes (seconds), for the windows Keycloak has no setting of its
 * own for. A missing, malformed or out-of-range value means the default: a typo must not turn a short window into
 * an endless one.
 */
public final class RealmDurations {

    /** Lifespan of the MFA challenge of an /auth login (default 300). */
    public static final String MFA_CHALLENGE = "auth-api.mfa-challenge-seconds";
    /** How recent a login must be to change sign-in factors without the password (default 300). */
    public static final String REAUTHENTICATION = "auth-api.reauthentication-seconds";

    public static final int MAX_SECONDS = 3600;

    private RealmDurations() {
    }

    public static int seconds(RealmModel realm, String attribute, int defaultSeconds) {
        return parse(realm.getAttribute(attribute), defaultSeconds);
    }

    static int parse(String value, int defaultSeconds) {
        if (value == null || value.isBlank()) {
            return defaultSeconds;
        }
        try {
            int seconds = Integer.parseInt(value.trim());
            return seconds >= 1 && seconds <= MAX_SECONDS ? seconds : defaultSeconds;
        } catch (NumberFormatException e) {
            return defaultSeconds;
        }
    }
}
