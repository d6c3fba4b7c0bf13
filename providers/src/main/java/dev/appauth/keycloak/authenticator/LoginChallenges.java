package dev.appauth.keycloak.authenticator;

import dev.appauth.keycloak.RealmDurations;
import java.util.Map;

import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

import dev.appauth.keycloak.token.OpaqueTokens;

/**
 * The MFA challenge of an API login ({@code mfa_token}): proof that the first factor of this user was shown for this
 * client within the last five minutes (by default). Minted by {@link DirectGrantSecondFactor} after the password, spent by
 * {@link DirectGrantLoginChallenge} when the second step presents it; a wrong code gives it back with one attempt
 * less, at most {@value #MAX_ATTEMPTS} in all, for the rest of its lifespan.
 * <p>
 * The direct-grant steps and the /auth endpoints talk through attributes of the request's KeycloakSession, which only
 * server code can set: a caller cannot send them as form parameters.
 */
public final class LoginChallenges {

    /** Form parameter of the password grant that carries the challenge (set by /auth/login/mfa). */
    public static final String FORM_PARAMETER = "app_auth_mfa_token";

    /** Default lifespan; a realm sets its own in {@link RealmDurations#MFA_CHALLENGE}. */
    public static final int DEFAULT_LIFESPAN_SECONDS = 300;
    public static final int MAX_ATTEMPTS = 5;

    /** Session attribute: the grant runs for /auth/login, whose caller can answer an {@code mfa_required}. */
    public static final String API_LOGIN = "app-auth.api-login";
    /** Session attribute: the challenge minted by this request (a {@link Minted}). */
    public static final String MINTED = "app-auth.mfa-challenge.minted";
    /** Session attribute: attempts left on the presented challenge after a wrong code (an Integer; 0 = spent). */
    public static final String ATTEMPTS_LEFT = "app-auth.mfa-challenge.attempts-left";
    /**
     * Session attribute: the id of the user whose first factor this request already proved another way (an email
     * one-time code, checked by /auth/otp/verify before it runs the grant, or the password /auth/register has just
     * set), so the password is not asked again.
     */
    public static final String FIRST_FACTOR_PROVEN = "app-auth.first-factor-proven";
    /** Session attribute: the presented challenge, once {@link DirectGrantLoginChallenge} spent it (a {@link Presented}). */
    static final String PRESENTED = "app-auth.mfa-challenge.presented";

    private static final String USER = "user";
    private static final String CLIENT = "client";
    private static final String ATTEMPTS = "attempts";
    private static final String EXPIRES = "expires";

    public record Challenge(String userId, String clientId, int attempts, long expiresAt) {
        long secondsLeft() {
            return expiresAt - Time.currentTime();
        }
    }

    public record Minted(String token, int expiresIn) {
    }

    record Presented(String token, Challenge challenge) {
    }

    private LoginChallenges() {
    }

    private static OpaqueTokens tokens(KeycloakSession session) {
        return new OpaqueTokens(session.singleUseObjects(), "login-challenge");
    }

    static Minted mint(KeycloakSession session, UserModel user, ClientModel client) {
        int lifespan = RealmDurations.seconds(session.getContext().getRealm(), RealmDurations.MFA_CHALLENGE, DEFAULT_LIFESPAN_SECONDS);
        Challenge challenge = new Challenge(user.getId(), client.getClientId(), 0, Time.currentTime() + lifespan);
        return new Minted(tokens(session).mint(lifespan, data(challenge)), lifespan);
    }

    /** The challenge behind a token, unspent; null if unknown, expired or spent. */
    public static Challenge peek(KeycloakSession session, String token) {
        return challenge(tokens(session).peek(token));
    }

    static Challenge spend(KeycloakSession session, String token) {
        return challenge(tokens(session).spend(token));
    }

    /** After a wrong code: the challenge again with one attempt more, if any are left; the attempts left. */
    static int retry(KeycloakSession session, Presented presented) {
        Challenge used = new Challenge(presented.challenge().userId(), presented.challenge().clientId(),
                presented.challenge().attempts() + 1, presented.challenge().expiresAt());
        int left = MAX_ATTEMPTS - used.attempts();
        if (left <= 0 || used.secondsLeft() <= 0) {
            return 0;
        }
        tokens(session).restore(presented.token(), used.secondsLeft(), data(used));
        return left;
    }

    private static Map<String, String> data(Challenge challenge) {
        return Map.of(USER, challenge.userId(), CLIENT, challenge.clientId(), ATTEMPTS, Integer.toString(challenge.attempts()),
                EXPIRES, Long.toString(challenge.expiresAt()));
    }

    private static Challenge challenge(Map<String, String> data) {
        if (data == null || data.get(USER) == null || data.get(CLIENT) == null) {
            return null;
        }
        try {
            Challenge challenge = new Challenge(data.get(USER), data.get(CLIENT), Integer.parseInt(data.get(ATTEMPTS)),
                    Long.parseLong(data.get(EXPIRES)));
            return challenge.secondsLeft() > 0 ? challenge : null;
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}
