package dev.appauth.keycloak.token;

import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import org.keycloak.common.util.SecretGenerator;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * Short-lived random bearer tokens (an MFA challenge, a pending TOTP enrollment) whose data lives in Keycloak's
 * single-use store (Redis) under a SHA-256 of the token, so a dump of the store holds no usable token. Removal is
 * the store's atomic single-use remove: of two requests that spend one token, one wins.
 */
public final class OpaqueTokens {

    /** 32 random bytes, base64url without padding: 43 characters. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final SingleUseObjectProvider store;
    private final String purpose;

    /** @param purpose part of the store key, so tokens of one kind can never be spent as another */
    public OpaqueTokens(SingleUseObjectProvider store, String purpose) {
        this.store = store;
        this.purpose = purpose;
    }

    /** A new token holding {@code data} for {@code lifespanSeconds} (written when the transaction commits). */
    public String mint(long lifespanSeconds, Map<String, String> data) {
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(SecretGenerator.getInstance().randomBytes(32));
        store.put(key(token), lifespanSeconds, data);
        return token;
    }

    /** The token's data without spending it, or null if it is malformed, unknown, expired or spent. */
    public Map<String, String> peek(String token) {
        return wellFormed(token) ? store.get(key(token)) : null;
    }

    /** Spends the token: its data for exactly one caller, null for every other. */
    public Map<String, String> spend(String token) {
        return wellFormed(token) ? store.remove(key(token)) : null;
    }

    /** Stores (again) data under a token already handed out, e.g. a spent challenge given another attempt. */
    public void restore(String token, long lifespanSeconds, Map<String, String> data) {
        store.put(key(token), lifespanSeconds, data);
    }

    /** Replaces the data of a live token at once; false if it is gone. */
    public boolean replace(String token, Map<String, String> data) {
        return wellFormed(token) && store.replace(key(token), data);
    }

    private String key(String token) {
        return "app-auth:" + purpose + ":" + Sha256.hex(token);
    }

    private static boolean wellFormed(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }
}
