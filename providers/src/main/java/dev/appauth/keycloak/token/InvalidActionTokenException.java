package dev.appauth.keycloak.token;

/**
 * A presented action token is not usable: malformed, badly signed, of another kind, expired, already used, or no
 * longer bound to its account. The reason is for events and debug logs only; callers answer one generic error.
 */
public class InvalidActionTokenException extends Exception {

    private final String eventError;

    public InvalidActionTokenException(String eventError, String reason) {
        super(reason, null, false, false);
        this.eventError = eventError;
    }

    /** An {@link org.keycloak.events.Errors} code for the event. */
    public String getEventError() {
        return eventError;
    }
}
