package dev.appauth.keycloak.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The API's OpenAPI 3.1 document, shipped as a resource beside this class. */
final class OpenApiDocument {

    private OpenApiDocument() {
    }

    static String load() {
        return Holder.DOCUMENT;
    }

    /** Loaded on first use and then kept: the document is part of the jar and never changes at runtime. */
    private static final class Holder {
        static final String DOCUMENT = read();

        private static String read() {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
                if (in == null) {
                    throw new IllegalStateException("openapi.json missing from the provider jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
