package dev.appauth.keycloak.ratelimit;

import java.util.Locale;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.appauth.keycloak.AuthException;

/**
 * Applies the API's rate limits to one request: the server's rules, overridden by the realm's
 * {@value #REALM_ATTRIBUTE} attribute, counted in the configured RateLimitProvider (Redis across
 * nodes, or memory on a single node). Over a limit: {@code rate_limited} with the seconds to wait.
 */
public final class RealmRateLimiter {

    /** Realm attribute with per-realm rules in {@link RateLimitRules} syntax. */
    public static final String REALM_ATTRIBUTE = "auth-api.rate-limits";

    private static final Logger LOG = Logger.getLogger(RealmRateLimiter.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final RateLimitRules rules;

    public RealmRateLimiter(KeycloakSession session, RateLimitRules serverRules) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.rules = realmRules(serverRules);
    }

    /** Counts the request against the limit for the caller's IP address. */
    public void checkIp(String endpoint) {
        throwIfRefused(hit(endpoint, RateLimitRules.Scope.IP, ip()));
    }

    /** Counts the request against the limit for the account it names, existing or not (so a 429 reveals nothing). */
    public void checkAccount(String endpoint, String account) {
        if (account != null) {
            throwIfRefused(hit(endpoint, RateLimitRules.Scope.ACCOUNT, normalized(account)));
        }
    }

    /**
     * Counts an attempt against both the caller's IP and the account it names, for callers that answer a refusal
     * themselves (the login authenticators).
     *
     * @return 0 when allowed, else the seconds to wait
     */
    public long secondsToWait(String endpoint, String account) {
        RateLimitDecision byIp = hit(endpoint, RateLimitRules.Scope.IP, ip());
        if (byIp != null && !byIp.allowed()) {
            return byIp.retryAfterSeconds();
        }
        RateLimitDecision byAccount = account == null ? null : hit(endpoint, RateLimitRules.Scope.ACCOUNT, normalized(account));
        return byAccount != null && !byAccount.allowed() ? byAccount.retryAfterSeconds() : 0;
    }

    private String ip() {
        return session.getContext().getConnection().getRemoteAddr();
    }

    private static String normalized(String account) {
        return account.trim().toLowerCase(Locale.ROOT);
    }

    private static void throwIfRefused(RateLimitDecision decision) {
        if (decision != null && !decision.allowed()) {
            throw AuthException.rateLimited(decision.retryAfterSeconds());
        }
    }

    /** @return the provider's decision, or null where no rule limits this endpoint and scope */
    private RateLimitDecision hit(String endpoint, RateLimitRules.Scope scope, String subject) {
        return rules.limit(endpoint, scope).map(limit -> {
            // the provider hashes keys before storing them: no addresses or emails at rest
            String key = realm.getId() + ":" + endpoint + ":" + scope.name() + ":" + subject;
            return session.getProvider(RateLimitProvider.class).hit(key, limit.count(), limit.window());
        }).orElse(null);
    }

    private RateLimitRules realmRules(RateLimitRules serverRules) {
        String spec = realm.getAttribute(REALM_ATTRIBUTE);
        try {
            return serverRules.with(spec);
        } catch (IllegalArgumentException e) {
            // a typo in the console must not open the floodgates nor break the API: keep the server's rules
            LOG.warnf("Realm %s: ignoring attribute %s: %s", realm.getName(), REALM_ATTRIBUTE, e.getMessage());
            return serverRules;
        }
    }
}
