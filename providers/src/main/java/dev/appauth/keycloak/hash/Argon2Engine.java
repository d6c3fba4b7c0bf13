package dev.appauth.keycloak.hash;

/** One implementation of argon2: the raw hash of a password's bytes. Thread-safe, stateless. */
interface Argon2Engine {

    /**
     * @param password the password as the UTF-8 bytes BouncyCastle's {@code PasswordConverter.UTF8} makes of its
     *                 characters (what Keycloak's provider hashes)
     * @return {@code spec.hashLength()} bytes
     */
    byte[] hash(byte[] password, byte[] salt, Argon2Spec spec);

    /** {@code native} or {@code java}: the value of the metric's and the server info's implementation label. */
    String name();

    /** One line for the log and the admin console's server info. */
    String description();
}
