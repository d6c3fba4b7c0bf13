package dev.appauth.keycloak.token;

import java.net.URI;

import org.keycloak.TokenVerifier;
import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.common.VerificationException;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.exceptions.TokenNotActiveException;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;

/**
 * Issues and checks the API's action tokens the way Keycloak's login-actions endpoint does: signed with the
 * realm's keys ({@code session.tokens()}), checked for signature, type, expiry, issuer and nonce, and spent once
 * through Keycloak's single-use-object store under {@link DefaultActionTokenKey#serializeKey()}. The REST
 * endpoints and the Keycloak-hosted pages share that one record, so a link works once, wherever it is used.
 */
public final class ActionTokens {

    /** A spent token's record outlives the token by this much, so clock skew between nodes cannot revive it. */
    private static final int USED_RECORD_GRACE_SECONDS = 30;

    private final KeycloakSession session;
    private final RealmModel realm;

    public ActionTokens(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** The realm's lifespan for this kind: the admin's per-type override, else the realm's user-action default. */
    public int lifespanSeconds(ActionTokenKind kind) {
        Integer override = realm.getUserActionTokenLifespans().get(kind.lifespanType());
        return override != null ? override : realm.getActionTokenGeneratedByUserLifespan();
    }

    /**
     * A signed token for the user's current address (and, for a reset, current password).
     *
     * @param baseUri the server's base URI as the user's request saw it: it determines the issuer
     */
    public String issue(ActionTokenKind kind, UserModel user, String clientId, URI baseUri) {
        int expiry = Time.currentTime() + lifespanSeconds(kind);
        AccountActionToken token = switch (kind) {
            case RESET_PASSWORD -> new PasswordResetActionToken(user.getId(), expiry, user.getEmail(), clientId,
                    PasswordFingerprint.of(user));
            case VERIFY_EMAIL -> new EmailVerificationActionToken(user.getId(), expiry, user.getEmail(), clientId);
            case CONFIRM_EMAIL_CHANGE, CANCEL_EMAIL_CHANGE ->
                    throw new IllegalArgumentException(kind + " tokens carry the change: use issueEmailChange");
        };
        return sign(token, baseUri);
    }

    /** One of the two links of a pending email change of the user (whose address is still the old one). */
    public String issueEmailChange(ActionTokenKind kind, UserModel user, String newEmail, String changeId, String clientId,
                                   URI baseUri) {
        int expiry = Time.currentTime() + lifespanSeconds(kind);
        AccountActionToken token = switch (kind) {
            case CONFIRM_EMAIL_CHANGE -> new EmailChangeConfirmActionToken(user.getId(), expiry, user.getEmail(), newEmail,
                    changeId, clientId);
            case CANCEL_EMAIL_CHANGE -> new EmailChangeCancelActionToken(user.getId(), expiry, user.getEmail(), newEmail,
                    changeId, clientId);
            default -> throw new IllegalArgumentException(kind + " is not an email-change token");
        };
        return sign(token, baseUri);
    }

    private String sign(AccountActionToken token, URI baseUri) {
        // what DefaultActionToken.serialize does, without needing the UriInfo of a request
        String issuer = issuer(baseUri);
        token.id(SecretGenerator.getInstance().generateSecureID());
        token.issuedNow();
        token.issuer(issuer);
        token.audience(issuer);
        return session.tokens().encode(token);
    }

    /**
     * Checks a presented token of the given kind: signature, type, expiry, issuer and nonce, and that it was not
     * spent yet. Does not spend it.
     */
    public AccountActionToken verify(ActionTokenKind kind, String tokenString, URI baseUri) throws InvalidActionTokenException {
        DefaultActionTokenKey key = session.tokens().decode(tokenString, DefaultActionTokenKey.class);
        if (key == null) {
            throw new InvalidActionTokenException(Errors.INVALID_TOKEN, "malformed token or invalid signature");
        }
        if (!kind.tokenType().equals(key.getActionId())) {
            throw new InvalidActionTokenException(Errors.INVALID_TOKEN, "token of another kind");
        }
        AccountActionToken token;
        try {
            token = new JWSInput(tokenString).readJsonContent(kind.tokenClass());
        } catch (JWSInputException | RuntimeException e) {
            throw new InvalidActionTokenException(Errors.INVALID_TOKEN, "unreadable token");
        }
        try {
            TokenVerifier.createWithoutSignature(token)
                    .withChecks(TokenVerifier.IS_ACTIVE, new TokenVerifier.RealmUrlCheck(issuer(baseUri)),
                            DefaultActionToken.ACTION_TOKEN_BASIC_CHECKS)
                    .verify();
        } catch (TokenNotActiveException e) {
            throw new InvalidActionTokenException(Errors.EXPIRED_CODE, "token expired");
        } catch (VerificationException e) {
            throw new InvalidActionTokenException(Errors.INVALID_TOKEN, e.getMessage());
        }
        if (isSpent(token)) {
            throw new InvalidActionTokenException(Errors.EXPIRED_CODE, "token already used");
        }
        return token;
    }

    /** The account the token is for, if the token is still bound to it (enabled, same address, same password). */
    public UserModel boundUser(AccountActionToken token) throws InvalidActionTokenException {
        UserModel user = session.users().getUserById(realm, token.getUserId());
        if (user == null) {
            throw new InvalidActionTokenException(Errors.USER_NOT_FOUND, "user not found");
        }
        if (!token.isBoundTo(user)) {
            throw new InvalidActionTokenException(Errors.INVALID_TOKEN, "account changed since the token was issued");
        }
        return user;
    }

    public boolean isSpent(DefaultActionToken token) {
        return session.singleUseObjects().contains(token.serializeKey());
    }

    /**
     * Spends the token. The store answers at once (not at commit), so callers spend a token only after every other
     * check passed; of two concurrent uses exactly one succeeds.
     */
    public void spend(DefaultActionToken token) throws InvalidActionTokenException {
        long remaining = token.getExp() - Time.currentTime() + USED_RECORD_GRACE_SECONDS;
        if (!session.singleUseObjects().putIfAbsent(token.serializeKey(), Math.max(remaining, 1))) {
            throw new InvalidActionTokenException(Errors.EXPIRED_CODE, "token already used");
        }
    }

    private String issuer(URI baseUri) {
        return Urls.realmIssuer(baseUri, realm.getName());
    }
}
