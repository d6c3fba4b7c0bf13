package dev.appauth.keycloak.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.appauth.keycloak.AuthError;
import dev.appauth.keycloak.AuthException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.utils.EmailValidationUtil;

/**
 * A JSON request body read under the API's common rules: application/json only (415),
 * at most {@code maxBytes} (413), a JSON object (400), fields of the right type (400 with field_errors).
 * Unknown fields are ignored.
 */
final class JsonRequest {

    private static final ObjectMapper MAPPER = newMapper();

    private final ObjectNode body;
    private final Map<String, List<String>> fieldErrors = new LinkedHashMap<>();

    private JsonRequest(ObjectNode body) {
        this.body = body;
    }

    /** An empty body, for endpoints whose body is optional and was not sent. */
    static JsonRequest empty() {
        return new JsonRequest(MAPPER.createObjectNode());
    }

    static JsonRequest read(HttpHeaders headers, InputStream in, int maxBytes, boolean optional) {
        return read(headers.getMediaType(), headers.getHeaderString(HttpHeaders.CONTENT_LENGTH), in, maxBytes, optional);
    }

    static JsonRequest read(MediaType type, String contentLength, InputStream in, int maxBytes, boolean optional) {
        if (contentLength != null && parseLong(contentLength) > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes = readAtMost(in, maxBytes);
        // an optional body may be left out entirely, but a body of another type is refused even when
        // the server already consumed it (form posts arrive here with an empty stream)
        if (bytes.length == 0 && optional && type == null) {
            return empty();
        }
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || !isUtf8(type)) {
            throw new AuthException(AuthError.UNSUPPORTED_MEDIA_TYPE, "Request body must be application/json (UTF-8)");
        }
        if (bytes.length == 0 && optional) {
            return empty();
        }
        if (bytes.length == 0) {
            throw AuthException.invalidRequest("Request body is empty; a JSON object is required");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw AuthException.invalidRequest("Request body is not valid JSON");
        } catch (IOException e) {
            throw AuthException.invalidRequest("Request body could not be read");
        }
        if (node == null || !node.isObject()) {
            throw AuthException.invalidRequest("Request body must be a JSON object");
        }
        return new JsonRequest((ObjectNode) node);
    }

    /**
     * A string field; records a field error when missing/blank (if required), not a string, longer
     * than maxLength code points, or holding control characters (identifiers and names never do,
     * and the database refuses NUL).
     */
    String string(String field, boolean required, int maxLength) {
        return text(field, required, maxLength, false);
    }

    /** A required, syntactically valid email address. */
    String email(String field) {
        String email = string(field, true, Fields.MAX_EMAIL);
        if (email != null && !EmailValidationUtil.isValidEmail(email)) {
            fieldError(field, "must be a valid email address");
            return null;
        }
        return email;
    }

    /** A password: any Unicode is allowed (NIST 800-63B), except NUL. */
    String secret(String field, boolean required, int maxLength) {
        return text(field, required, maxLength, true);
    }

    private String text(String field, boolean required, int maxLength, boolean anyCharacter) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                fieldError(field, "is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            fieldError(field, "must be a string");
            return null;
        }
        String text = value.textValue();
        if (text.isBlank()) {
            if (required) {
                fieldError(field, "must not be empty");
            }
            return null;
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            fieldError(field, "must be at most " + maxLength + " characters");
            return null;
        }
        if (anyCharacter ? text.indexOf('\u0000') >= 0 : text.chars().anyMatch(Character::isISOControl)) {
            fieldError(field, "must not contain control characters");
            return null;
        }
        if (hasLoneSurrogate(text)) {
            // not Unicode text: it has no UTF-8 form, so it could never be stored, hashed or compared faithfully
            fieldError(field, "must be valid Unicode text");
            return null;
        }
        return text;
    }

    /** Whether the body names the field at all, null included (PATCH: left out means unchanged, null means clear). */
    boolean present(String field) {
        return body.has(field);
    }

    boolean isNull(String field) {
        JsonNode value = body.get(field);
        return value != null && value.isNull();
    }

    boolean has(String field) {
        JsonNode value = body.get(field);
        return value != null && !value.isNull();
    }

    void fieldError(String field, String message) {
        fieldErrors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
    }

    /** Ends validation: throws 400 invalid_request listing every field at fault. */
    void requireValid() {
        if (!fieldErrors.isEmpty()) {
            throw AuthException.invalidRequest("Some fields are missing or invalid", fieldErrors);
        }
    }

    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUtf8(MediaType type) {
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
    }

    private static byte[] readAtMost(InputStream in, int maxBytes) {
        if (in == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw AuthException.invalidRequest("Request body could not be read");
        }
    }

    private static AuthException tooLarge(int maxBytes) {
        return new AuthException(AuthError.REQUEST_TOO_LARGE, "Request body exceeds " + maxBytes + " bytes");
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper newMapper() {
        ObjectMapper mapper = new ObjectMapper();
        // a 16 KiB body cannot legitimately nest deeper than this; refuse pathological input early
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
        // "{...}}" is not a JSON object followed by noise we may ignore: it is malformed
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }
}
