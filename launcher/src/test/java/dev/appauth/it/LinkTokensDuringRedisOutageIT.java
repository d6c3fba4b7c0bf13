package dev.appauth.it;

import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.appauth.launcher.RedisService;

/**
 * Reset and verification links while Redis (the single-use store) is down: the API answers 503, spends nothing,
 * and the same link works once Redis is back — and only once.
 */
@ExtendWith(KeycloakStackExtension.class)
class LinkTokensDuringRedisOutageIT {

    private static final String NEW_PASSWORD = "amber canyon lantern 58";

    private static RedisService redis() {
        RedisService redis = KeycloakStackExtension.stack().redis();
        assertThat(redis).as("the test stack runs an embedded Redis").isNotNull();
        return redis;
    }

    @Test
    void resetAndVerifyAnswer503DuringTheOutageAndTheLinksWorkOnceAfter() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        String verifyToken = Mailbox.awaitMail(user.email(), 1).token();
        assertThat(post("forgot-password", map("email", user.email())).status()).isEqualTo(202);
        String resetToken = Mailbox.awaitMail(user.email(), 2).token();

        redis().stop();
        try {
            Http.Reply reset = post("reset-password", map("token", resetToken, "new_password", NEW_PASSWORD));
            assertThat(reset.status()).as(reset.toString()).isEqualTo(503);
            assertThat(reset.json().get("error").asText()).isEqualTo("temporarily_unavailable");
            Http.Reply verify = post("verify-email", map("token", verifyToken));
            assertThat(verify.status()).as(verify.toString()).isEqualTo(503);
        } finally {
            redis().restart();
        }

        // nothing was spent or changed during the outage
        assertThat(AuthApi.login(user.email(), user.password()).status()).isEqualTo(200);
        Http.Reply verify = post("verify-email", map("token", verifyToken));
        assertThat(verify.status()).as(verify.toString()).isEqualTo(200);
        Http.Reply reset = post("reset-password", map("token", resetToken, "new_password", NEW_PASSWORD));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        assertThat(AuthApi.login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
        // single use holds after the outage
        assertThat(post("reset-password", map("token", resetToken, "new_password", NEW_PASSWORD + "x")).status()).isEqualTo(400);
        assertThat(post("verify-email", map("token", verifyToken)).status()).isEqualTo(400);
    }
}
