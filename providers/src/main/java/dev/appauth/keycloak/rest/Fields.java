package dev.appauth.keycloak.rest;

/** The longest values the API accepts per kind of field (code points), checked before any work is done. */
final class Fields {

    static final int MAX_NAME = 255;
    static final int MAX_EMAIL = 254;
    static final int MAX_URL = 2048;
    /** Hashing cost grows with length: refuse absurd passwords before they reach the hasher. */
    static final int MAX_PASSWORD = 1024;
    static final int MAX_TOKEN = 16 * 1024;
    static final int MAX_SESSION_ID = 255;

    private Fields() {
    }
}
