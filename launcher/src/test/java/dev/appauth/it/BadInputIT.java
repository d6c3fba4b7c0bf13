package dev.appauth.it;

import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every POST endpoint against hostile or sloppy input: clear 4xx in the error shape, never a 500. */
@ExtendWith(KeycloakStackExtension.class)
class BadInputIT {

    private static String bearer;

    @BeforeAll
    static void user() {
        bearer = Http.bearer(AuthApi.newUser().accessToken());
    }

    static Stream<String> endpoints() {
        return Stream.of("register", "login", "refresh", "logout", "change-password", "forgot-password", "reset-password",
                "verify-email", "resend-verification");
    }

    private static Http.Reply send(String endpoint, String contentType, byte[] body) {
        HttpRequest.Builder b = Http.request(AuthApi.url(endpoint)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", bearer);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return Http.send(b.build());
    }

    private static Http.Reply send(String endpoint, String json) {
        return send(endpoint, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static Http.Reply sendAnonymously(String endpoint, String json) {
        return Http.send(Http.request(AuthApi.url(endpoint)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    private static JsonNode expectError(Http.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        JsonNode body = reply.json();
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).isNotBlank();
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at org.").doesNotContain("dev.appauth");
        return body;
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void wrongContentTypeIs415(String endpoint) {
        expectError(send(endpoint, "text/plain", "{\"a\":1}".getBytes()), 415, "unsupported_media_type");
        expectError(send(endpoint, "application/x-www-form-urlencoded", "email=a&password=b".getBytes()), 415,
                "unsupported_media_type");
        expectError(send(endpoint, "application/json; charset=iso-8859-1", "{}".getBytes()), 415, "unsupported_media_type");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void bodyOver16KiBIs413(String endpoint) {
        String padding = "x".repeat(17 * 1024);
        expectError(send(endpoint, "{\"email\":\"" + padding + "\"}"), 413, "request_too_large");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void malformedJsonIs400(String endpoint) {
        for (String bad : List.of("{", "{\"email\":", "not json", "[]", "\"string\"", "42", "null", "{\"a\":1}}",
                "[".repeat(200) + "]".repeat(200), "{\"a\":" .repeat(100) + "1" + "}".repeat(100))) {
            expectError(send(endpoint, bad), 400, "invalid_request");
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void invalidUtf8Is400(String endpoint) {
        byte[] bad = {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Http.Reply reply = send(endpoint, "application/json", bad);
        assertThat(reply.status()).as(reply.toString()).isBetween(400, 499);
    }

    @Test
    void missingFieldsAreListed() {
        JsonNode register = expectError(send("register", "{}"), 400, "invalid_request");
        assertThat(register.get("field_errors").fieldNames()).toIterable().contains("email", "password", "username");
        JsonNode login = expectError(send("login", "{}"), 400, "invalid_request");
        assertThat(login.get("field_errors").fieldNames()).toIterable().contains("email", "password");
        JsonNode refresh = expectError(send("refresh", "{}"), 400, "invalid_request");
        assertThat(refresh.get("field_errors").fieldNames()).toIterable().containsExactly("refresh_token");
        // an empty body is the same as {}
        expectError(send("login", ""), 400, "invalid_request");
    }

    @Test
    void wrongTypesAreFieldErrors() {
        JsonNode register = expectError(send("register", Http.write(map("email", 1, "password", true,
                "username", List.of("a"), "first_name", map("x", 1)))), 400, "invalid_request");
        assertThat(register.at("/field_errors/email/0").asText()).isEqualTo("must be a string");
        assertThat(register.at("/field_errors/password/0").asText()).isEqualTo("must be a string");
        assertThat(register.at("/field_errors/username/0").asText()).isEqualTo("must be a string");
        assertThat(register.at("/field_errors/first_name/0").asText()).isEqualTo("must be a string");

        JsonNode login = expectError(send("login", Http.write(map("email", 12.5, "password", List.of()))), 400, "invalid_request");
        assertThat(login.at("/field_errors/email/0").asText()).isEqualTo("must be a string");
        expectError(send("refresh", Http.write(map("refresh_token", 7))), 400, "invalid_request");
        expectError(send("logout", Http.write(map("scope", 1))), 400, "invalid_request");
    }

    @Test
    void emptyAndBlankStringsAreFieldErrors() {
        JsonNode register = expectError(send("register", Http.write(map("email", "", "password", "  ", "username", "\t"))),
                400, "invalid_request");
        assertThat(register.at("/field_errors/email/0").asText()).isEqualTo("must not be empty");
        assertThat(register.at("/field_errors/password/0").asText()).isEqualTo("must not be empty");
        expectError(send("login", Http.write(map("email", "", "password", ""))), 400, "invalid_request");
        expectError(send("refresh", Http.write(map("refresh_token", ""))), 400, "invalid_request");
    }

    @Test
    void veryLongStringsAreFieldErrorsNotServerErrors() {
        String longText = "a".repeat(5000);
        JsonNode register = expectError(send("register", Http.write(map("email", longText + "@example.com",
                "password", longText, "username", longText))), 400, "invalid_request");
        assertThat(register.get("field_errors").fieldNames()).toIterable().contains("email", "password", "username");
        expectError(send("login", Http.write(map("email", longText, "password", longText))), 400, "invalid_request");
        expectError(send("refresh", Http.write(map("refresh_token", "a".repeat(15000)))), 401, "invalid_grant");
    }

    @Test
    void nullFieldsCountAsMissingAndUnknownFieldsAreIgnored() {
        JsonNode login = expectError(send("login", "{\"email\":null,\"password\":null}"), 400, "invalid_request");
        assertThat(login.get("field_errors").fieldNames()).toIterable().contains("email", "password");
        Http.Reply unknownFields = send("login", Http.write(map("email", "nobody@example.com", "password", "whatever it is",
                "remember_me", true, "extra", map("nested", List.of(1, 2)))));
        expectError(unknownFields, 401, "invalid_credentials");
    }

    @Test
    void oddButPrintableLoginsAreJustWrongCredentials() {
        for (String login : List.of("a\u202Eb@example.com", "💥@example.com", "' OR 1=1 --", "<script>", "admin%00")) {
            expectError(send("login", Http.write(map("email", login, "password", "whatever password"))), 401,
                    "invalid_credentials");
        }
    }

    @Test
    void controlCharactersInIdentifiersAreFieldErrorsEverywhere() {
        // no account can hold them, so refusing them reveals nothing; the database would refuse NUL anyway
        JsonNode login = expectError(send("login", Http.write(map("email", "\u0000admin", "password", "whatever password"))),
                400, "invalid_request");
        assertThat(login.at("/field_errors/email/0").asText()).isEqualTo("must not contain control characters");
        JsonNode register = expectError(send("register", Http.write(map("email", "a@example.com", "username", "bell\u0007",
                "password", "nul\u0000inside", "first_name", "new\nline"))), 400, "invalid_request");
        assertThat(register.get("field_errors").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("username", "password", "first_name");
    }

    @Test
    void unknownPathsAndWrongMethodsAnswerInTheErrorShape() {
        expectError(Http.get(AuthApi.url("no-such-endpoint")), 404, "not_found");
        expectError(Http.get(AuthApi.url("login")), 405, "method_not_allowed");
        expectError(Http.send(Http.request(AuthApi.url("register")).PUT(HttpRequest.BodyPublishers.ofString("{}")).build()),
                405, "method_not_allowed");
    }

    @Test
    void lifecycleEndpointsListTheirMissingFields() {
        assertThat(expectError(send("change-password", "{}"), 400, "invalid_request").get("field_errors").fieldNames())
                .toIterable().containsExactlyInAnyOrder("current_password", "new_password");
        assertThat(expectError(send("forgot-password", "{}"), 400, "invalid_request").get("field_errors").fieldNames())
                .toIterable().containsExactly("email");
        assertThat(expectError(send("reset-password", "{}"), 400, "invalid_request").get("field_errors").fieldNames())
                .toIterable().containsExactlyInAnyOrder("token", "new_password");
        assertThat(expectError(send("verify-email", "{}"), 400, "invalid_request").get("field_errors").fieldNames())
                .toIterable().containsExactly("token");
        assertThat(expectError(sendAnonymously("resend-verification", "{}"), 400, "invalid_request").get("field_errors")
                .fieldNames()).toIterable().containsExactly("email");
        expectError(sendAnonymously("resend-verification", ""), 400, "invalid_request");
        expectError(sendAnonymously("change-password", "{}"), 401, "invalid_token");
    }

    @Test
    void lifecycleEndpointsRefuseWrongTypesEmptyStringsAndBadAddresses() {
        JsonNode types = expectError(send("reset-password", Http.write(map("token", List.of("a"), "new_password", map("x", 1)))),
                400, "invalid_request");
        assertThat(types.at("/field_errors/token/0").asText()).isEqualTo("must be a string");
        assertThat(types.at("/field_errors/new_password/0").asText()).isEqualTo("must be a string");
        assertThat(expectError(send("change-password", Http.write(map("current_password", 1, "new_password", true))), 400,
                "invalid_request").get("field_errors").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("current_password", "new_password");
        assertThat(expectError(send("verify-email", Http.write(map("token", ""))), 400, "invalid_request")
                .at("/field_errors/token/0").asText()).isEqualTo("must not be empty");
        for (String endpoint : List.of("forgot-password", "resend-verification")) {
            assertThat(expectError(sendAnonymously(endpoint, Http.write(map("email", ""))), 400, "invalid_request")
                    .at("/field_errors/email/0").asText()).isEqualTo("must not be empty");
            assertThat(expectError(sendAnonymously(endpoint, Http.write(map("email", 42))), 400, "invalid_request")
                    .at("/field_errors/email/0").asText()).isEqualTo("must be a string");
            for (String bad : List.of("not-an-email", "a@", "@example.com", "a b@example.com", "x".repeat(300) + "@example.com")) {
                assertThat(expectError(sendAnonymously(endpoint, Http.write(map("email", bad))), 400, "invalid_request")
                        .at("/field_errors/email").isArray()).as(bad).isTrue();
            }
            expectError(sendAnonymously(endpoint, Http.write(map("email", "someone@example.com", "client_id", "app-backend"))),
                    400, "invalid_client");
        }
        // a password longer than any policy allows never reaches the hasher
        expectError(send("reset-password", Http.write(map("token", "t", "new_password", "p".repeat(2000)))), 400, "invalid_request");
    }

    @Test
    void patchMeRefusesWhatThePostEndpointsRefuse() {
        HttpRequest.Builder b = Http.request(AuthApi.url("me")).header("Authorization", bearer);
        expectError(Http.send(b.copy().header("Content-Type", "text/plain")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build()), 415, "unsupported_media_type");
        expectError(Http.send(b.copy().header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"first_name\":\"" + "x".repeat(17 * 1024) + "\"}")).build()),
                413, "request_too_large");
        expectError(Http.send(b.copy().header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("[1]")).build()), 400, "invalid_request");
        expectError(Http.send(b.copy().header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Http.write(map("first_name", "a".repeat(300))))).build()),
                400, "invalid_request");
    }
}
