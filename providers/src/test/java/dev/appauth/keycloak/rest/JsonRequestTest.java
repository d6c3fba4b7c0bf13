package dev.appauth.keycloak.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.appauth.keycloak.AuthException;
import org.junit.jupiter.api.Test;

class JsonRequestTest {

    private static final MediaType JSON = new MediaType("application", "json");
    private static final int MAX = 16 * 1024;

    private static JsonRequest read(MediaType type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return JsonRequest.read(type, String.valueOf(bytes.length), new ByteArrayInputStream(bytes), MAX, false);
    }

    private static AuthException failure(Runnable r) {
        try {
            r.run();
        } catch (AuthException e) {
            return e;
        }
        throw new AssertionError("expected an AuthException");
    }

    @Test
    void tellsALeftOutFieldFromANullOne() {
        JsonRequest request = read(JSON, "{\"first_name\":null,\"last_name\":\"x\"}");
        assertThat(request.present("first_name")).isTrue();
        assertThat(request.isNull("first_name")).isTrue();
        assertThat(request.present("last_name")).isTrue();
        assertThat(request.isNull("last_name")).isFalse();
        assertThat(request.present("username")).isFalse();
        assertThat(request.isNull("username")).isFalse();
    }

    @Test
    void readsStringFields() {
        JsonRequest request = read(JSON, "{\"email\":\"a@example.com\",\"unknown\":[1,2]}");
        assertThat(request.string("email", true, 254)).isEqualTo("a@example.com");
        assertThat(request.string("first_name", false, 10)).isNull();
        request.requireValid();
    }

    @Test
    void acceptsJsonWithUtf8CharsetOrSuffixlessParameters() {
        read(new MediaType("application", "json", "UTF-8"), "{}").requireValid();
        read(new MediaType("application", "json", "utf8"), "{}").requireValid();
    }

    @Test
    void refusesOtherMediaTypes() {
        for (MediaType type : new MediaType[] {null, MediaType.TEXT_PLAIN_TYPE, MediaType.APPLICATION_FORM_URLENCODED_TYPE,
                new MediaType("application", "json", "ISO-8859-1")}) {
            AuthException e = failure(() -> read(type, "{}"));
            assertThat(ApiResponses.status(e.error())).isEqualTo(Response.Status.UNSUPPORTED_MEDIA_TYPE);
            assertThat(e.error().code()).isEqualTo("unsupported_media_type");
        }
    }

    @Test
    void refusesBodiesOverTheLimitByDeclaredAndActualLength() {
        AuthException declared = failure(() -> JsonRequest.read(JSON, "999999", new ByteArrayInputStream(new byte[0]), MAX, false));
        assertThat(ApiResponses.status(declared.error())).isEqualTo(Response.Status.REQUEST_ENTITY_TOO_LARGE);
        byte[] big = ("{\"a\":\"" + "x".repeat(MAX) + "\"}").getBytes(StandardCharsets.UTF_8);
        AuthException actual = failure(() -> JsonRequest.read(JSON, null, new ByteArrayInputStream(big), MAX, false));
        assertThat(ApiResponses.status(actual.error())).isEqualTo(Response.Status.REQUEST_ENTITY_TOO_LARGE);
        // exactly at the limit is fine
        String atLimit = "{\"a\":\"" + "x".repeat(MAX - 8) + "\"}";
        assertThat(atLimit.length()).isEqualTo(MAX);
        read(JSON, atLimit).requireValid();
    }

    @Test
    void refusesMalformedAndNonObjectJson() {
        for (String bad : new String[] {"{", "[]", "\"s\"", "1", "null", "{\"a\":1}}", "{\"a\":1} x", "{'a':1}",
                "[".repeat(100) + "]".repeat(100)}) {
            AuthException e = failure(() -> read(JSON, bad));
            assertThat(ApiResponses.status(e.error())).as(bad).isEqualTo(Response.Status.BAD_REQUEST);
            assertThat(e.error().code()).isEqualTo("invalid_request");
        }
    }

    @Test
    void emptyBodyIsMissingUnlessOptional() {
        assertThat(ApiResponses.status(failure(() -> read(JSON, "")).error())).isEqualTo(Response.Status.BAD_REQUEST);
        JsonRequest.read(null, "0", new ByteArrayInputStream(new byte[0]), MAX, true).requireValid();
    }

    @Test
    void collectsEveryFieldError() {
        JsonRequest request = read(JSON, "{\"email\":1,\"password\":\"  \",\"username\":\"" + "é".repeat(11) + "\"}");
        request.string("email", true, 254);
        request.string("password", true, 100);
        request.string("username", true, 10);
        request.string("client_id", false, 10);
        request.string("missing", true, 10);
        AuthException e = failure(request::requireValid);
        assertThat(e.fieldErrors()).isEqualTo(Map.of(
                "email", java.util.List.of("must be a string"),
                "password", java.util.List.of("must not be empty"),
                "username", java.util.List.of("must be at most 10 characters"),
                "missing", java.util.List.of("is required")));
    }

    @Test
    void lengthCountsCodePointsNotUtf16Units() {
        JsonRequest request = read(JSON, "{\"p\":\"" + "🔑".repeat(10) + "\"}");
        assertThat(request.string("p", true, 10)).hasSize(20);
        request.requireValid();
    }

    @Test
    void optionalBodyOfAnotherTypeIsStillRefused() {
        AuthException e = failure(() -> JsonRequest.read(MediaType.APPLICATION_FORM_URLENCODED_TYPE, "0",
                new ByteArrayInputStream(new byte[0]), MAX, true));
        assertThat(ApiResponses.status(e.error())).isEqualTo(Response.Status.UNSUPPORTED_MEDIA_TYPE);
        JsonRequest.read(JSON, "0", new ByteArrayInputStream(new byte[0]), MAX, true).requireValid();
    }

    @Test
    void controlCharactersAreRefusedInIdentifiersButPasswordsTakeAnyUnicodeButNul() {
        JsonRequest request = read(JSON, "{\"email\":\"a\\u0000b@example.com\",\"name\":\"a\\u0007\","
                + "\"password\":\"tab\\there \\u202e ok\",\"nul\":\"x\\u0000\"}");
        assertThat(request.string("email", true, 254)).isNull();
        assertThat(request.string("name", true, 254)).isNull();
        assertThat(request.secret("password", true, 254)).isEqualTo("tab\there \u202e ok");
        assertThat(request.secret("nul", true, 254)).isNull();
        AuthException e = failure(request::requireValid);
        assertThat(e.fieldErrors().keySet()).containsExactlyInAnyOrder("email", "name", "nul");
    }

    @Test
    void loneSurrogatesAreRefusedInEveryTextField() {
        JsonRequest request = read(JSON, "{\"email\":\"a\\ud800@example.com\",\"password\":\"x\\udc00y\","
                + "\"name\":\"ok \\ud83d\\ude00\",\"tail\":\"end\\ud83d\"}");
        assertThat(request.string("email", true, 100)).isNull();
        assertThat(request.secret("password", true, 100)).isNull();
        assertThat(request.string("name", true, 100)).isEqualTo("ok \ud83d\ude00");
        assertThat(request.string("tail", true, 100)).isNull();
        AuthException e = failure(request::requireValid);
        assertThat(e.fieldErrors().keySet()).containsExactlyInAnyOrder("email", "password", "tail");
        assertThat(e.fieldErrors().get("password")).containsExactly("must be valid Unicode text");
    }
}
