package dev.appauth.it;

import static dev.appauth.it.AuthApi.login;
import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.refresh;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import dev.appauth.launcher.RedisService;

/**
 * Keycloak with the Redis single-use-object provider selected (the stack's default): what
 * Keycloak keeps there (authorization codes, revocations, spent refresh tokens) lives in Redis
 * under the configured prefix, and an outage fails closed with 503, never with a 500 or a
 * token accepted twice.
 */
@ExtendWith(KeycloakStackExtension.class)
class RedisStoreIT {

    private static final String PREFIX = "app-auth:suo:";
    private static final String REDIRECT_URI = "http://127.0.0.1:9/callback";

    private static RedisService redis() {
        RedisService redis = KeycloakStackExtension.stack().redis();
        assertThat(redis).as("the test stack runs an embedded Redis").isNotNull();
        return redis;
    }

    private static UnifiedJedis raw() {
        return RedisClient.create("127.0.0.1", redis().port());
    }

    @AfterEach
    void redisIsBackAfterEveryTest() throws Exception {
        try (UnifiedJedis jedis = raw()) {
            jedis.ping();
        } catch (RuntimeException e) {
            redis().restart();
        }
    }

    @Test
    void revocationsAndSpentRefreshTokensLiveInRedisWithPrefixAndTtl() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        JsonNode tokens = login(user.email(), user.password()).json().get("token");
        String refreshed = refresh(tokens.get("refresh_token").asText()).json().at("/token/access_token").asText();
        assertThat(post("logout", "{}", "Authorization", Http.bearer(refreshed)).status()).isEqualTo(200);

        String refreshJti = claims(tokens.get("refresh_token").asText()).get("jti").asText();
        String accessJti = claims(refreshed).get("jti").asText();
        try (UnifiedJedis jedis = raw()) {
            Set<String> keys = jedis.keys(PREFIX + "*");
            assertThat(keys).contains(PREFIX + "app-auth.used-refresh-token." + refreshJti, PREFIX + accessJti + ".revoked");
            for (String key : keys) {
                assertThat(jedis.ttl(key)).as(key).isPositive();
            }
            assertThat(jedis.ttl(PREFIX + accessJti + ".revoked")).isBetween(3000L, 3700L);
        }
    }

    @Test
    void authorizationCodeOfTheBrowserFlowIsSingleUse() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        String code = authorizationCode(user.username(), user.password(), verifier);
        try (UnifiedJedis jedis = raw()) {
            assertThat(jedis.keys(PREFIX + "*")).as("the code's single-use entry").anyMatch(k -> k.contains(code.split("\\.")[0]));
        }

        Http.Reply first = exchange(code, verifier);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(AuthApi.userinfo(first.json().get("access_token").asText()).status()).isEqualTo(200);

        Http.Reply second = exchange(code, verifier);
        assertThat(second.status()).as(second.toString()).isEqualTo(400);
        assertThat(second.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void outageFailsClosedWith503AndServiceResumesWhenRedisReturns() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        JsonNode tokens = login(user.email(), user.password()).json().get("token");
        String access = tokens.get("access_token").asText();
        String refreshToken = tokens.get("refresh_token").asText();

        redis().stop();
        try {
            Http.Reply refreshDuringOutage = refresh(refreshToken);
            assertThat(refreshDuringOutage.status()).as(refreshDuringOutage.toString()).isEqualTo(503);
            assertThat(refreshDuringOutage.json().get("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(refreshDuringOutage.header("Retry-After")).isNotNull();

            Http.Reply logoutDuringOutage = post("logout", "{}", "Authorization", Http.bearer(access));
            assertThat(logoutDuringOutage.status()).as(logoutDuringOutage.toString()).isEqualTo(503);
            assertThat(logoutDuringOutage.json().get("error").asText()).isEqualTo("temporarily_unavailable");

            // Keycloak's own endpoints fail closed too: a revocation that cannot be checked is not ignored
            assertThat(AuthApi.userinfo(access).status()).isEqualTo(503);
        } finally {
            redis().restart();
        }

        // nothing was recorded during the outage: the refresh token was not spent and works once now
        Http.Reply after = refresh(refreshToken);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        String newAccess = after.json().at("/token/access_token").asText();
        assertThat(AuthApi.userinfo(newAccess).status()).isEqualTo(200);
        // and single use holds again: a replay ends the session
        assertThat(refresh(refreshToken).status()).isEqualTo(401);
        assertThat(AuthApi.userinfo(newAccess).status()).isEqualTo(401);
    }

    @Test
    void aTokenRevokedBeforeARedisFlushOrRestartStaysRevoked() throws Exception {
        AuthApi.TestUser user = AuthApi.newUser();
        String access = login(user.email(), user.password()).json().at("/token/access_token").asText();
        // Keycloak's revocation endpoint: the session stays, only this access token dies
        Http.Reply revoke = Http.postForm(AuthApi.oidc("revoke"),
                Map.of("token", access, "token_type_hint", "access_token", "client_id", "auth-api"));
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(200);
        assertThat(AuthApi.userinfo(access).status()).isEqualTo(401);

        try (UnifiedJedis jedis = raw()) {
            jedis.flushAll();
        }
        assertThat(AuthApi.userinfo(access).status()).isEqualTo(401);
        assertThat(post("logout", "{}", "Authorization", Http.bearer(access)).status()).isEqualTo(401);

        redis().restart();
        assertThat(AuthApi.userinfo(access).status()).isEqualTo(401);
        // the session itself is fine: a new login of the same user works
        assertThat(AuthApi.userinfo(login(user.email(), user.password()).json().at("/token/access_token").asText()).status())
                .isEqualTo(200);
    }

    // --- the authorization-code flow as a browser does it ------------------------------------------

    private static String authorizationCode(String username, String password, String verifier) throws Exception {
        // cookies by hand: java.net.CookieManager drops host-only cookies of "localhost"
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authUrl = AuthApi.oidc("auth") + "?client_id=app-web&response_type=code&scope=openid&state=s1"
                + "&redirect_uri=" + enc(REDIRECT_URI) + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(authUrl)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher action = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"").matcher(page.body());
        assertThat(action.find()).as("login form on the page").isTrue();
        String postUrl = action.group(1).replace("&amp;", "&");
        String cookies = String.join("; ", page.headers().allValues("Set-Cookie").stream()
                .map(c -> c.split(";", 2)[0]).toList());
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(postUrl))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookies)
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(username) + "&password=" + enc(password)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
        String location = posted.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT_URI);
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        assertThat(code.find()).as(location).isTrue();
        return URLDecoder.decode(code.group(1), StandardCharsets.UTF_8);
    }

    private static Http.Reply exchange(String code, String verifier) {
        return Http.postForm(AuthApi.oidc("token"), Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT_URI, "client_id", "app-web", "code_verifier", verifier));
    }

    private static JsonNode claims(String jwt) throws Exception {
        return Http.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
