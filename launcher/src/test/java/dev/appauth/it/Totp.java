package dev.appauth.it;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An authenticator app, as the test's own RFC 6238 code (HMAC-SHA1, 6 digits, 30 s: the realm's OTP policy), not
 * Keycloak's: it proves that the Base32 secret /auth hands out is the one a real app would scan. Keycloak refuses a
 * code it has accepted once, so the app remembers the codes it gave and picks another of the windows Keycloak
 * accepts (the current one and one on either side).
 */
final class Totp {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final byte[] key;
    private final Set<String> given = new HashSet<>();

    Totp(String base32Secret) {
        this.key = base32Decode(base32Secret);
    }

    /**
     * A code Keycloak accepts now and that this app has not given before; when the three of this window are given,
     * it waits for the next window, as a user would.
     */
    String nextCode() {
        for (int wait = 0; wait < 2; wait++) {
            long step = System.currentTimeMillis() / 30_000;
            for (long candidate : new long[] {step, step + 1, step - 1}) {
                String code = code(candidate);
                if (given.add(code)) {
                    return code;
                }
            }
            Mailbox.sleep((step + 1) * 30_000 - System.currentTimeMillis() + 100);
        }
        throw new AssertionError("no fresh code after waiting for the next window");
    }

    /** A six-digit code that is not one of the codes Keycloak accepts now. */
    String wrongCode() {
        long step = System.currentTimeMillis() / 30_000;
        Set<String> valid = Set.of(code(step - 1), code(step), code(step + 1));
        for (int n = 0; ; n++) {
            String candidate = String.format(Locale.ROOT, "%06d", (123_456 + n * 7919) % 1_000_000);
            if (!valid.contains(candidate)) {
                return candidate;
            }
        }
    }

    private String code(long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] base32Decode(String text) {
        String clean = text.replace("=", "").toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            int value = BASE32.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("not Base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
