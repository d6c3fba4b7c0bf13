package dev.appauth.keycloak.lifecycle;

import dev.appauth.keycloak.email.AccountEmail;
import dev.appauth.keycloak.email.MailQueueProvider;
import dev.appauth.keycloak.email.MailTask;
import dev.appauth.keycloak.token.ActionLinks;
import dev.appauth.keycloak.token.OpaqueTokens;
import dev.appauth.keycloak.token.PublicUrl;
import dev.appauth.keycloak.token.Sha256;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.keycloak.common.util.SecretGenerator;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.email.EmailException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Sign-in with a one-time code sent by mail (and, where the client has an app page, a link that carries the same
 * proof), for clients that opt in ({@value #CLIENT_ATTRIBUTE}). Like forgot-password it is enumeration-safe: the
 * request only queues an intent, and the code is made, stored and mailed on the mail worker, so the answer and its
 * timing are the same whether or not an account has the address.
 * <p>
 * The code lives in Keycloak's single-use store under a hash of the address, as a salted HMAC keyed with a realm
 * secret, for {@value #LIFESPAN_SECONDS} s and {@value #MAX_ATTEMPTS} attempts (claimed atomically, so parallel
 * guesses get no more); a newer code replaces it. Using the code or the link spends both. What it proves is the
 * first factor only: the realm's direct-grant flow still runs (rate limit, lockout, and the second factor of an
 * account that has one).
 */
public final class EmailCodeLogin {

    /** Client attribute: "true" lets the client's users sign in with an email code. */
    public static final String CLIENT_ATTRIBUTE = "auth-api.email-code-login";
    /** Outbox kind of {@link CodeMail}. */
    public static final String KIND = "email-code";
    public static final String LINK_TYPE = "email-login";

    static final int LIFESPAN_SECONDS = 600;
    static final int MAX_ATTEMPTS = 5;
    private static final int DIGITS = 6;

    private static final String USER = "user";
    private static final String CLIENT = "client";
    private static final String CODE_HASH = "code";
    private static final String SALT = "salt";
    private static final String ISSUE = "issue";
    private static final String ADDRESS_KEY = "address";

    private final KeycloakSession session;
    private final RealmModel realm;

    public EmailCodeLogin(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public static boolean allows(ClientModel client) {
        return client != null && "true".equalsIgnoreCase(client.getAttribute(CLIENT_ATTRIBUTE));
    }

    /** Queues the code mail; nothing is looked up now (see the class comment). */
    public void request(String email, String clientId) {
        URI baseUri = PublicUrl.of(session);
        session.getProvider(MailQueueProvider.class).queue(new CodeMail(email.trim().toLowerCase(Locale.ROOT), clientId,
                baseUri == null ? null : baseUri.toString()));
    }

    /** The account whose code this is, for this client; null for a wrong, used-up, expired or foreign code. */
    public UserModel verifyCode(String email, String code, String clientId) {
        String key = key(realm, email.trim().toLowerCase(Locale.ROOT));
        Map<String, String> pending = session.singleUseObjects().get(key);
        if (pending == null || !clientId.equals(pending.get(CLIENT))) {
            return null;
        }
        if (!claimAttempt(pending.get(ISSUE))) {
            session.singleUseObjects().remove(key);
            return null;
        }
        if (!MessageDigest.isEqual(hash(session, realm, pending.get(SALT), code.trim()).getBytes(StandardCharsets.US_ASCII),
                pending.get(CODE_HASH).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        // of two requests with the right code, one wins
        return session.singleUseObjects().remove(key) == null ? null : enabledUser(pending, email);
    }

    /** The account of a sign-in link, for this client; null for a used, expired, replaced or foreign link. */
    public UserModel verifyLink(String token, String clientId) {
        Map<String, String> link = links(session).spend(token);
        if (link == null) {
            return null;
        }
        String key = link.get(ADDRESS_KEY);
        Map<String, String> pending = session.singleUseObjects().get(key);
        if (pending == null || !pending.get(ISSUE).equals(link.get(ISSUE)) || !clientId.equals(pending.get(CLIENT))
                || session.singleUseObjects().remove(key) == null) {
            return null;
        }
        UserModel user = session.users().getUserById(realm, pending.get(USER));
        return user != null && user.isEnabled() ? user : null;
    }

    private UserModel enabledUser(Map<String, String> pending, String email) {
        UserModel user = session.users().getUserById(realm, pending.get(USER));
        return user != null && user.isEnabled() && email.trim().equalsIgnoreCase(user.getEmail()) ? user : null;
    }

    private static OpaqueTokens links(KeycloakSession session) {
        return new OpaqueTokens(session.singleUseObjects(), "email-login-link");
    }

    private static String key(RealmModel realm, String email) {
        return "app-auth:email-code:" + realm.getId() + ":" + Sha256.hex(email);
    }

    /**
     * Takes one of the code's {@value #MAX_ATTEMPTS} attempts, before the code is compared: each attempt is a key of
     * its own, added only if absent (atomic in every store), so parallel guesses each take a different one and a
     * burst of them gets no more tries than a sequence would. False once all are taken.
     */
    private boolean claimAttempt(String issue) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            String slot = "app-auth:email-code-attempt:" + issue + ":" + attempt;
            if (session.singleUseObjects().putIfAbsent(slot, LIFESPAN_SECONDS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The stored form of a code: an HMAC keyed with the realm's active HS512 secret (in Keycloak's database, not in
     * the token store), so a dump of the store alone cannot try the million codes offline.
     */
    private static String hash(KeycloakSession session, RealmModel realm, String salt, String code) {
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getSecretKey().getEncoded(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((salt + ":" + code).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The queued code mail; the account is looked up when it goes out. Add fields, never rename them. */
    public record CodeMail(String email, String clientId, String baseUri) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) throws EmailException {
            UserModel user = session.users().getUserByEmail(realm, email);
            ClientModel client = realm.getClientByClientId(clientId);
            if (user == null || !user.isEnabled() || !allows(client)) {
                return false;
            }
            SecretGenerator random = SecretGenerator.getInstance();
            String code = random.randomString(DIGITS, SecretGenerator.DIGITS);
            String salt = random.randomString(16);
            String issue = random.randomString(16);
            String key = key(realm, email);
            Map<String, Object> attributes = new HashMap<>(Map.of("code", code,
                    "linkExpirationMinutes", LIFESPAN_SECONDS / 60));
            String actionUrl = client.getAttribute(ActionLinks.ACTION_URL_ATTRIBUTE);
            if (baseUri != null && ActionLinks.isUsableActionUrl(actionUrl)) {
                String token = links(session).mint(LIFESPAN_SECONDS, Map.of(ADDRESS_KEY, key, ISSUE, issue));
                attributes.put("link", ActionLinks.appLink(actionUrl.trim(), token, LINK_TYPE));
            }
            // a newer code replaces the older one (and its link) at once
            session.singleUseObjects().remove(key);
            session.singleUseObjects().put(key, LIFESPAN_SECONDS, Map.of(USER, user.getId(), CLIENT, clientId,
                    CODE_HASH, hash(session, realm, salt, code), SALT, salt, ISSUE, issue));
            AccountEmail.EMAIL_CODE.send(session, realm, user, attributes);
            return true;
        }
    }
}
