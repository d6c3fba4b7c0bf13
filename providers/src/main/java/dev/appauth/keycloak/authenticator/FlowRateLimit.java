package dev.appauth.keycloak.authenticator;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.Details;

import dev.appauth.keycloak.ratelimit.RateLimitRules;
import dev.appauth.keycloak.ratelimit.RealmRateLimiter;

/**
 * A rate limit counted inside a Keycloak flow, in the same buckets as the /auth endpoint of the same name, per IP
 * and per account name as typed, under the realm's rules: {@value #LOGIN} for the direct-grant flow (which
 * /auth/login and the token endpoint's password grant run) and the browser's login form, {@value #FORGOT_PASSWORD}
 * for the login page's "Forgot password?" form and /auth/forgot-password. One rule for every path.
 */
public final class FlowRateLimit {

    /** The rules' endpoint names, e.g. {@code login.ip=60/1m}. */
    public static final String LOGIN = "login";
    public static final String FORGOT_PASSWORD = "forgot-password";

    /** Event error of a refused attempt; the event's {@value #RETRY_AFTER} detail says how long to wait. */
    public static final String EVENT_ERROR = "rate_limited";
    public static final String RETRY_AFTER = "retry_after";

    private final RateLimitRules serverRules;
    private final String bucket;

    FlowRateLimit(RateLimitRules serverRules, String bucket) {
        this.serverRules = serverRules;
        this.bucket = bucket;
    }

    /**
     * Counts one attempt. When it is over a limit, records the flow's error event and returns the seconds to wait.
     *
     * @param login the username or email as typed, null if none was given (then only the IP counts)
     * @return 0 when the attempt may go on
     */
    long attempt(AuthenticationFlowContext context, String login) {
        long wait = new RealmRateLimiter(context.getSession(), serverRules).secondsToWait(bucket, login);
        if (wait > 0) {
            if (login != null) {
                context.getEvent().detail(Details.USERNAME, login);
            }
            context.getEvent().detail(RETRY_AFTER, Long.toString(wait)).error(EVENT_ERROR);
        }
        return wait;
    }
}
