package dev.appauth.keycloak.authenticator;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.Details;

import dev.appauth.keycloak.ratelimit.RateLimitRules;
import dev.appauth.keycloak.ratelimit.RealmRateLimiter;

/**
 * The login rate limit, one rule for every login path: the direct-grant flow (which /auth/login and the token
 * endpoint's password grant run) and the browser flow's login form count in the same buckets, per IP and per
 * account name as typed, under the realm's rules for {@value #BUCKET}.
 */
public final class LoginRateLimit {

    /** The rules' endpoint name, e.g. {@code login.ip=60/1m}; /auth used it before the flows counted logins. */
    public static final String BUCKET = "login";

    /** Event error of a refused attempt; the event's {@value #RETRY_AFTER} detail says how long to wait. */
    public static final String EVENT_ERROR = "rate_limited";
    public static final String RETRY_AFTER = "retry_after";

    private final RateLimitRules serverRules;

    LoginRateLimit(RateLimitRules serverRules) {
        this.serverRules = serverRules;
    }

    /**
     * Counts one attempt. When it is over a limit, records the LOGIN_ERROR event and returns the seconds to wait.
     *
     * @param login the username or email as typed, null if none was given (then only the IP counts)
     * @return 0 when the attempt may go on
     */
    long attempt(AuthenticationFlowContext context, String login) {
        long wait = new RealmRateLimiter(context.getSession(), serverRules).secondsToWait(BUCKET, login);
        if (wait > 0) {
            if (login != null) {
                context.getEvent().detail(Details.USERNAME, login);
            }
            context.getEvent().detail(RETRY_AFTER, Long.toString(wait)).error(EVENT_ERROR);
        }
        return wait;
    }
}
