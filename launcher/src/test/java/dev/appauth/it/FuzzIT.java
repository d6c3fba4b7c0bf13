package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded random input against every endpoint: mutated JSON, wrong types, lone surrogates, invalid UTF-8, form
 * bodies that do not decode, odd content types, garbage or tampered Authorization and forwarding headers. No answer may be
 * a 5xx or leave the API's error shape, and the account the requests aim at must come out unchanged.
 * The seed is printed; {@code -Dfuzz.seed=N -Dfuzz.requests=M} replays or extends a run.
 */
@ExtendWith(KeycloakStackExtension.class)
class FuzzIT {

    private static final String[] ENDPOINTS = {"register", "login", "refresh", "logout", "change-password", "forgot-password",
            "reset-password", "verify-email", "resend-verification", "me", "sessions", "sessions/x", "openapi.json",
            "reset-password-page", "login/mfa", "mfa/factors", "mfa/factors/x", "mfa/totp", "mfa/totp/verify",
            "mfa/recovery-codes", "me/email", "confirm-email-change", "cancel-email-change", "otp", "otp/verify", "nope"};
    private static final String[] METHODS = {"POST", "POST", "POST", "GET", "PATCH", "DELETE", "PUT"};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json", "application/json; charset=utf-8",
            "application/json; charset=latin1", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
            "application/json; boundary=\"", "*/*", "", "applic@tion/json", "application/vnd.api+json"};
    private static final String[] FIELDS = {"email", "password", "username", "first_name", "last_name", "profile_image_url",
            "client_id", "refresh_token", "scope", "token", "new_password", "current_password", "mfa_token", "code", "recovery_code",
            "enrollment_token", "label"};

    @Test
    void noInputReachesA5xxOrChangesTheAccount() {
        long seed = Long.getLong("fuzz.seed", 20261203L);
        int requests = Integer.getInteger("fuzz.requests", 2000);
        Random random = new Random(seed);
        AuthApi.TestUser victim = AuthApi.newUser();
        JsonNode before = AuthApi.user(victim.id());
        int sessionsBefore = AuthApi.userSessions(victim.id()).size();

        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String endpoint = ENDPOINTS[random.nextInt(ENDPOINTS.length)];
            String method = METHODS[random.nextInt(METHODS.length)];
            String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
            byte[] body = body(random, victim, contentType);
            HttpRequest.Builder request = Http.request(AuthApi.url(endpoint))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            if (!contentType.isEmpty()) {
                request.header("Content-Type", contentType);
            }
            headers(random, victim, request);
            Http.Reply reply = Http.send(request.build());
            statuses.merge(reply.status(), 1, Integer::sum);
            boolean errorShape = reply.status() < 400 || reply.body().isEmpty() || endpoint.equals("reset-password-page")
                    || reply.body().startsWith("{\"error\"");
            if (reply.status() >= 500 || !errorShape || reply.body().contains("Exception") || reply.body().contains("\tat ")) {
                failures.add(method + " " + endpoint + " [" + contentType + "] " + reply.status() + " " + abbreviate(reply.body()));
            }
        }
        System.out.printf("FuzzIT: seed %d, %d requests, statuses %s, %d failures%n", seed, requests, statuses, failures.size());
        assertThat(failures).as("seed " + seed).isEmpty();
        assertThat(statuses.keySet()).allMatch(status -> status < 500);

        JsonNode after = AuthApi.user(victim.id());
        for (String field : new String[] {"username", "email", "emailVerified", "enabled", "firstName", "lastName", "attributes",
                "requiredActions"}) {
            assertThat(after.path(field)).as(field).isEqualTo(before.path(field));
        }
        assertThat(AuthApi.userSessions(victim.id())).hasSize(sessionsBefore);
        assertThat(AuthApi.login(victim.email(), victim.password()).status()).isEqualTo(200);
    }

    private static byte[] body(Random random, AuthApi.TestUser victim, String contentType) {
        return switch (random.nextInt(8)) {
            case 0 -> randomBytes(random, random.nextInt(64));
            case 1 -> new byte[] {(byte) 0xC3, (byte) 0x28, '{', (byte) 0xFF, '}'}; // invalid UTF-8
            case 2 -> ("%ZZ=" + random.nextInt() + "&email=%E0%A4%A").getBytes(StandardCharsets.US_ASCII);
            case 3 -> "{\"email\":".repeat(1 + random.nextInt(40)).getBytes(StandardCharsets.UTF_8);
            case 4 -> new byte[0];
            default -> json(random, victim).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** An object of the API's field names with values of every kind, the victim's address among them, never its password. */
    private static String json(Random random, AuthApi.TestUser victim) {
        StringBuilder json = new StringBuilder("{");
        int fields = 1 + random.nextInt(5);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"').append(FIELDS[random.nextInt(FIELDS.length)]).append("\":").append(value(random, victim));
        }
        return random.nextInt(10) == 0 ? json.toString() : json.append('}').toString();
    }

    private static String value(Random random, AuthApi.TestUser victim) {
        return switch (random.nextInt(14)) {
            case 0 -> "null";
            case 1 -> Long.toString(random.nextLong());
            case 2 -> "true";
            case 3 -> "[\"" + victim.email() + "\"]";
            case 4 -> "{\"a\":{\"b\":[1,2,{}]}}";
            case 5 -> "\"\\ud800" + random.nextInt(1000) + "\"";
            case 6 -> "\"x\\udc00\"";
            case 7 -> "\"" + "a".repeat(random.nextInt(3000)) + "\"";
            case 8 -> "\"\\u0000\"";
            case 9 -> "\"" + victim.email() + "\"";
            case 10 -> "\"" + victim.username() + "\"";
            case 11 -> "\"eyJhbGciOiJIUzI1NiJ9." + random.nextInt() + ".x\"";
            case 12 -> "1e99999";
            default -> "\"wrong " + random.nextInt() + "\"";
        };
    }

    private static void headers(Random random, AuthApi.TestUser victim, HttpRequest.Builder request) {
        switch (random.nextInt(6)) {
            case 0 -> request.header("Authorization", "Bearer " + victim.accessToken().substring(0, 20 + random.nextInt(40)));
            case 1 -> request.header("Authorization", "Basic " + random.nextInt());
            case 2 -> request.header("X-Forwarded-For", random.nextInt(3) == 0 ? "not-an-ip, ::::" : "203.0.113." + random.nextInt(255));
            case 3 -> request.header("Origin", "https://evil" + random.nextInt(100) + ".example");
            case 4 -> request.header("Authorization", "Bearer " + tampered(victim.accessToken())).header("X-Forwarded-Host", "evil.example");
            default -> { }
        }
    }

    /**
     * The victim's own token with its signature broken: requests with it must change nothing. The first character
     * of the signature is changed, since all its six bits count; the last one of a 256-byte RS256 signature carries
     * four padding bits that base64 decoders ignore, so changing it (as this test once did) can leave the token
     * valid, and a fuzzed logout then really ended the victim's session.
     */
    private static String tampered(String jwt) {
        int signature = jwt.lastIndexOf('.') + 1;
        char first = jwt.charAt(signature);
        return jwt.substring(0, signature) + (first == 'A' ? 'B' : 'A') + jwt.substring(signature + 1);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String abbreviate(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
