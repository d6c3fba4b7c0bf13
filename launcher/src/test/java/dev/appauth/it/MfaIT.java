package dev.appauth.it;

import static dev.appauth.it.AuthApi.REALM;
import static dev.appauth.it.AuthApi.STRONG_PASSWORD;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TOTP second factor and recovery codes over /auth (issue 13), on Keycloak's own OTP and recovery-codes credentials:
 * enrollment confirmed by a first code, a login that answers mfa_required with a single-use challenge, the second
 * step with a code or a recovery code, and the unhappy paths (wrong, reused and stale codes, spent, foreign and
 * expired challenges, a removed factor). Codes come from the test's own RFC 6238 implementation ({@link Totp}).
 * Wrong codes are spaced over a second apart: Keycloak's brute-force detection treats two failures of one account
 * within {@code quickLoginCheckMilliSeconds} as an attack.
 */
@ExtendWith(KeycloakStackExtension.class)
class MfaIT {

    private static final String ROPC_CLIENT = unique("mfa-ropc");

    record Enrolled(AuthApi.TestUser user, Totp app, String factorId, List<String> recoveryCodes) {
    }

    @BeforeAll
    static void passwordGrantClient() {
        Http.Reply created = AuthApi.admin("POST", REALM + "/clients", map("clientId", ROPC_CLIENT, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    static void dropClient() {
        AuthApi.admin("DELETE", REALM + "/clients/" + AuthApi.clientUuid(ROPC_CLIENT), null);
    }

    static Enrolled enroll() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply started = AuthApi.bearerPost("mfa/totp", user.accessToken(), map("label", "Phone"));
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        Totp app = new Totp(started.json().get("secret").asText());
        Http.Reply confirmed = AuthApi.bearerPost("mfa/totp/verify", user.accessToken(),
                map("enrollment_token", started.json().get("enrollment_token").asText(), "code", app.nextCode()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(201);
        List<String> codes = new ArrayList<>();
        confirmed.json().get("recovery_codes").forEach(code -> codes.add(code.asText()));
        return new Enrolled(user, app, confirmed.json().at("/factor/id").asText(), codes);
    }

    /** The first step of a login of an account with a factor: 401 mfa_required; the challenge. */
    static JsonNode mfaRequired(AuthApi.TestUser user) {
        Http.Reply login = AuthApi.login(user.email(), STRONG_PASSWORD);
        assertThat(login.status()).as(login.toString()).isEqualTo(401);
        assertThat(login.json().get("error").asText()).isEqualTo("mfa_required");
        return login.json();
    }

    static Http.Reply finish(String mfaToken, String field, String code) {
        return AuthApi.post("login/mfa", map("mfa_token", mfaToken, field, code));
    }

    private static void assertError(Http.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).as(reply.toString()).isEqualTo(error);
    }

    @Test
    void enrollmentIsConfirmedByAFirstCodeAndThenEveryLoginAsksForOne() {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1);
        Http.Reply started = AuthApi.send("POST", "mfa/totp", user.accessToken(), null);
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        JsonNode enrollment = started.json();
        assertThat(enrollment.get("otpauth_uri").asText()).startsWith("otpauth://totp/").contains("secret=")
                .contains("digits=6").contains("period=30");
        assertThat(enrollment.get("qr_code").asText()).startsWith("data:image/png;base64,iVBOR");
        assertThat(enrollment.get("secret").asText()).matches("[A-Z2-7]+=*");
        assertThat(enrollment.get("expires_in").asInt()).isEqualTo(600);
        Totp app = new Totp(enrollment.get("secret").asText());
        String enrollmentToken = enrollment.get("enrollment_token").asText();

        // nothing exists before the first code, and a wrong one leaves the enrollment for another try
        assertThat(AuthApi.login(user.email(), STRONG_PASSWORD).status()).isEqualTo(200);
        Http.Reply wrong = AuthApi.bearerPost("mfa/totp/verify", user.accessToken(),
                map("enrollment_token", enrollmentToken, "code", app.wrongCode()));
        assertError(wrong, 401, "invalid_mfa_code");
        assertThat(wrong.json().get("attempts_remaining").asInt()).isEqualTo(4);
        assertThat(AuthApi.bearerGet("mfa/factors", user.accessToken()).json().get("factors")).isEmpty();

        Http.Reply confirmed = AuthApi.bearerPost("mfa/totp/verify", user.accessToken(),
                map("enrollment_token", enrollmentToken, "code", app.nextCode()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(201);
        assertThat(confirmed.json().at("/factor/type").asText()).isEqualTo("totp");
        JsonNode codes = confirmed.json().get("recovery_codes");
        assertThat(codes).hasSize(12);
        // the enrollment is spent
        Http.Reply again = AuthApi.bearerPost("mfa/totp/verify", user.accessToken(),
                map("enrollment_token", enrollmentToken, "code", app.nextCode()));
        assertError(again, 400, "invalid_request");

        JsonNode factors = AuthApi.bearerGet("mfa/factors", user.accessToken()).json();
        assertThat(factors.get("factors")).hasSize(1);
        assertThat(factors.at("/factors/0/id").asText()).isEqualTo(confirmed.json().at("/factor/id").asText());
        assertThat(factors.at("/recovery_codes/remaining").asInt()).isEqualTo(12);
        // Keycloak's own models: the console's Credentials tab shows both
        JsonNode credentials = AuthApi.adminGet(REALM + "/users/" + user.id() + "/credentials");
        List<String> types = new ArrayList<>();
        credentials.forEach(c -> types.add(c.get("type").asText()));
        assertThat(types).contains("password", "otp", "recovery-authn-codes");
        assertThat(AuthApi.events(user.id(), "UPDATE_CREDENTIAL")).isNotEmpty();
        Mailbox.Mail notice = Mailbox.awaitMail(user.email(), 2);
        assertThat(notice.subject()).isEqualTo("A second sign-in factor was added");
        assertThat(notice.text()).contains("App account").contains("reset your password");
        assertThat(notice.html()).contains("<a href=");

        JsonNode required = mfaRequired(user);
        assertThat(required.get("mfa_token").asText()).hasSize(43);
        assertThat(required.get("expires_in").asInt()).isEqualTo(300);
        assertThat(required.get("factors")).extracting(JsonNode::asText).containsExactly("totp", "recovery_code");
        assertThat(required.get("recovery_code_number").asInt()).isEqualTo(1);
        assertThat(required.has("token")).isFalse();

        Http.Reply done = finish(required.get("mfa_token").asText(), "code", app.nextCode());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().at("/user/uuid").asText()).isEqualTo(user.id());
        String accessToken = done.json().at("/token/access_token").asText();
        assertThat(AuthApi.bearerGet("me", accessToken).status()).isEqualTo(200);
        assertThat(AuthApi.refresh(done.json().at("/token/refresh_token").asText()).status()).isEqualTo(200);

        // the challenge is single use (checked before the code: a spent challenge is invalid_grant whatever the code)
        assertError(finish(required.get("mfa_token").asText(), "code", app.wrongCode()), 401, "invalid_grant");
    }

    @Test
    void aWrongCodeLeavesTheChallengeForAnotherTryButNotForever() {
        Enrolled enrolled = enroll();
        String token = mfaRequired(enrolled.user()).get("mfa_token").asText();
        Http.Reply wrong = finish(token, "code", enrolled.app().wrongCode());
        assertError(wrong, 401, "invalid_mfa_code");
        assertThat(wrong.json().get("attempts_remaining").asInt()).isEqualTo(4);
        assertThat(wrong.json().has("mfa_token")).isFalse();
        Mailbox.sleep(1100);
        assertThat(finish(token, "code", enrolled.app().nextCode()).status()).isEqualTo(200);

        // a used code is refused, as Keycloak refuses it on its login page
        String reused = enrolled.app().nextCode();
        assertThat(finish(mfaRequired(enrolled.user()).get("mfa_token").asText(), "code", reused).status()).isEqualTo(200);
        Mailbox.sleep(1100);
        assertError(finish(mfaRequired(enrolled.user()).get("mfa_token").asText(), "code", reused), 401, "invalid_mfa_code");
        // a login clears the failure count, so the five attempts below are not cut short by a lockout (failureFactor 5)
        Mailbox.sleep(1100);
        assertThat(finish(mfaRequired(enrolled.user()).get("mfa_token").asText(), "recovery_code", enrolled.recoveryCodes().get(0))
                .status()).isEqualTo(200);

        String exhausted = mfaRequired(enrolled.user()).get("mfa_token").asText();
        for (int left = 4; left >= 0; left--) {
            Mailbox.sleep(1100);
            Http.Reply reply = finish(exhausted, "code", enrolled.app().wrongCode());
            assertError(reply, 401, "invalid_mfa_code");
            assertThat(reply.json().get("attempts_remaining").asInt()).isEqualTo(left);
        }
        assertError(finish(exhausted, "recovery_code", enrolled.recoveryCodes().get(1)), 401, "invalid_grant");
        assertThat(AuthApi.events(enrolled.user().id(), "LOGIN_ERROR")).isNotEmpty();
    }

    @Test
    void recoveryCodesWorkOnceEachInOrderAndTellTheOwner() {
        Enrolled enrolled = enroll();
        List<String> codes = enrolled.recoveryCodes();
        assertThat(codes).doesNotHaveDuplicates();
        Mailbox.awaitMail(enrolled.user().email(), 2);

        JsonNode first = mfaRequired(enrolled.user());
        assertThat(first.get("recovery_code_number").asInt()).isEqualTo(1);
        // Keycloak takes the codes in order: the second is not accepted before the first
        assertError(finish(first.get("mfa_token").asText(), "recovery_code", codes.get(1)), 401, "invalid_mfa_code");
        Mailbox.sleep(1100);
        String typed = codes.get(0).toLowerCase(Locale.ROOT).substring(0, 4) + "-" + codes.get(0).toLowerCase(Locale.ROOT).substring(4);
        Http.Reply done = finish(first.get("mfa_token").asText(), "recovery_code", typed);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        Mailbox.Mail notice = Mailbox.awaitMail(enrolled.user().email(), 3);
        assertThat(notice.subject()).isEqualTo("A recovery code was used");

        String access = done.json().at("/token/access_token").asText();
        assertThat(AuthApi.bearerGet("mfa/factors", access).json().at("/recovery_codes/remaining").asInt()).isEqualTo(11);
        JsonNode second = mfaRequired(enrolled.user());
        assertThat(second.get("recovery_code_number").asInt()).isEqualTo(2);
        assertError(finish(second.get("mfa_token").asText(), "recovery_code", codes.get(0)), 401, "invalid_mfa_code");
    }

    @Test
    void newRecoveryCodesReplaceTheOldOnes() {
        Enrolled enrolled = enroll();
        Http.Reply wrongPassword = AuthApi.bearerPost("mfa/recovery-codes", enrolled.user().accessToken(), map("password", "not it at all"));
        assertError(wrongPassword, 401, "invalid_credentials");
        Http.Reply fresh = AuthApi.bearerPost("mfa/recovery-codes", enrolled.user().accessToken(), map("password", STRONG_PASSWORD));
        assertThat(fresh.status()).as(fresh.toString()).isEqualTo(201);
        List<String> codes = new ArrayList<>();
        fresh.json().get("recovery_codes").forEach(code -> codes.add(code.asText()));
        assertThat(codes).hasSize(12).doesNotContainAnyElementsOf(enrolled.recoveryCodes());

        Mailbox.sleep(1100);
        assertError(finish(mfaRequired(enrolled.user()).get("mfa_token").asText(), "recovery_code", enrolled.recoveryCodes().get(0)),
                401, "invalid_mfa_code");
        Mailbox.sleep(1100);
        assertThat(finish(mfaRequired(enrolled.user()).get("mfa_token").asText(), "recovery_code", codes.get(0)).status()).isEqualTo(200);
        List<String> subjects = Mailbox.all(enrolled.user().email()).stream().map(Mailbox.Mail::subject).toList();
        assertThat(subjects).contains("New recovery codes were created");
    }

    @Test
    void removingTheFactorEndsTheSecondStepAndItsCodes() {
        Enrolled enrolled = enroll();
        String pending = mfaRequired(enrolled.user()).get("mfa_token").asText();
        String access = enrolled.user().accessToken();

        assertError(AuthApi.send("DELETE", "mfa/factors/" + enrolled.factorId(), access, map("password", "not it at all")),
                401, "invalid_credentials");
        assertError(AuthApi.send("DELETE", "mfa/factors/" + java.util.UUID.randomUUID(), access, null), 404, "not_found");
        Http.Reply removed = AuthApi.send("DELETE", "mfa/factors/" + enrolled.factorId(), access, null);
        assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
        assertError(AuthApi.send("DELETE", "mfa/factors/" + enrolled.factorId(), access, null), 404, "not_found");

        JsonNode factors = AuthApi.bearerGet("mfa/factors", access).json();
        assertThat(factors.get("factors")).isEmpty();
        assertThat(factors.get("recovery_codes").isNull()).isTrue();
        assertThat(AuthApi.events(enrolled.user().id(), "REMOVE_CREDENTIAL")).isNotEmpty();
        // a challenge minted before cannot skip the password any more, nor can a code or a recovery code be used
        assertError(finish(pending, "code", enrolled.app().nextCode()), 401, "invalid_grant");
        Http.Reply login = AuthApi.login(enrolled.user().email(), STRONG_PASSWORD);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertError(AuthApi.send("POST", "mfa/recovery-codes", access, null), 409, "mfa_not_enrolled");
        List<String> subjects = Mailbox.all(enrolled.user().email()).stream().map(Mailbox.Mail::subject).toList();
        assertThat(subjects).contains("A second sign-in factor was removed");
    }

    @Test
    void changesToFactorsNeedThePasswordOnceTheLoginIsNotRecent() {
        AuthApi.TestUser user = AuthApi.newUser();
        AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.reauthentication-seconds", "1")));
        try {
            Mailbox.sleep(2100);
            assertError(AuthApi.send("POST", "mfa/totp", user.accessToken(), null), 403, "reauthentication_required");
            assertError(AuthApi.bearerPost("mfa/totp", user.accessToken(), map("password", "not it at all")), 401, "invalid_credentials");
            Http.Reply started = AuthApi.bearerPost("mfa/totp", user.accessToken(), map("password", STRONG_PASSWORD));
            assertThat(started.status()).as(started.toString()).isEqualTo(200);
        } finally {
            AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.reauthentication-seconds", "")));
        }
    }

    @Test
    void anExpiredOrForeignChallengeIsRefused() {
        Enrolled enrolled = enroll();
        Enrolled other = enroll();
        AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.mfa-challenge-seconds", "1")));
        String expiring;
        try {
            expiring = mfaRequired(enrolled.user()).get("mfa_token").asText();
        } finally {
            AuthApi.updateRealm(Map.of("attributes", Map.of("auth-api.mfa-challenge-seconds", "")));
        }
        Mailbox.sleep(2100);
        assertError(finish(expiring, "code", enrolled.app().nextCode()), 401, "invalid_grant");

        // another account's code does not finish this account's login
        String mine = mfaRequired(enrolled.user()).get("mfa_token").asText();
        Http.Reply foreign = finish(mine, "code", other.app().nextCode());
        assertError(foreign, 401, "invalid_mfa_code");
        Mailbox.sleep(1100);
        Http.Reply done = finish(mine, "code", enrolled.app().nextCode());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().at("/user/uuid").asText()).isEqualTo(enrolled.user().id());
    }

    @Test
    void theTokenEndpointsPasswordGrantAsksForTheCodeAsKeycloakDoes() {
        Enrolled enrolled = enroll();
        Map<String, String> grant = Map.of("grant_type", "password", "client_id", ROPC_CLIENT,
                "username", enrolled.user().username(), "password", STRONG_PASSWORD, "scope", "openid");
        Http.Reply withoutCode = Http.postForm(AuthApi.oidc("token"), grant);
        // Keycloak's own direct-grant OTP step answers 400 invalid_grant, and so does the bundle's
        assertThat(withoutCode.status()).as(withoutCode.toString()).isEqualTo(400);
        assertThat(withoutCode.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(withoutCode.body()).doesNotContain("mfa_token");

        Map<String, String> withCode = new java.util.HashMap<>(grant);
        withCode.put("otp", enrolled.app().nextCode());
        Http.Reply ok = Http.postForm(AuthApi.oidc("token"), withCode);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().get("access_token").asText()).isNotBlank();
    }

    @Test
    void badInputIsRefusedClearly() {
        Enrolled enrolled = enroll();
        String token = mfaRequired(enrolled.user()).get("mfa_token").asText();
        assertError(AuthApi.post("login/mfa", map("code", "123456")), 400, "invalid_request");
        assertError(AuthApi.post("login/mfa", map("mfa_token", token)), 400, "invalid_request");
        assertError(AuthApi.post("login/mfa", map("mfa_token", token, "code", "123456", "recovery_code", "ABCD")), 400, "invalid_request");
        assertError(AuthApi.post("login/mfa", map("mfa_token", "x".repeat(43), "code", "123456")), 401, "invalid_grant");
        assertError(AuthApi.post("login/mfa", map("mfa_token", "not a token", "code", "123456")), 401, "invalid_grant");
        assertError(AuthApi.post("login/mfa", map("mfa_token", token, "code", 123456)), 400, "invalid_request");
        // none of it spent the challenge
        assertThat(finish(token, "code", enrolled.app().nextCode()).status()).isEqualTo(200);

        assertError(AuthApi.post("mfa/totp", map()), 401, "invalid_token");
        assertThat(AuthApi.post("mfa/totp", map()).header("WWW-Authenticate")).startsWith("Bearer");
        assertError(AuthApi.bearerGet("mfa/factors", "not-a-token"), 401, "invalid_token");
        String access = enrolled.user().accessToken();
        assertError(AuthApi.bearerPost("mfa/totp/verify", access, map("code", "123456")), 400, "invalid_request");
        assertError(AuthApi.bearerPost("mfa/totp/verify", access, map("enrollment_token", "x".repeat(43), "code", "123456")),
                400, "invalid_request");
        // another account's enrollment is not this account's
        AuthApi.TestUser other = AuthApi.newUser();
        String foreign = AuthApi.send("POST", "mfa/totp", other.accessToken(), null).json().get("enrollment_token").asText();
        assertError(AuthApi.bearerPost("mfa/totp/verify", access, map("enrollment_token", foreign, "code", "123456")),
                400, "invalid_request");
        assertError(AuthApi.bearerPost("mfa/totp", access, map("label", "x".repeat(10_000))), 400, "invalid_request");
        assertThat(AuthApi.send("PUT", "mfa/totp", access, map()).status()).isEqualTo(405);
        assertThat(AuthApi.send("GET", "login/mfa", access, null).status()).isEqualTo(405);
    }
}
