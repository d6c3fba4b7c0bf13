package dev.appauth.keycloak.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The list of common and breached passwords shipped in the jar: exact, case-insensitive lookups. */
final class CommonPasswords {

    static final String RESOURCE = "app-auth-common-passwords.txt";

    private final Set<String> entries;

    private CommonPasswords(Set<String> entries) {
        this.entries = entries;
    }

    /** Reads the bundled list; a jar without it is broken, so this fails the server start rather than allow all. */
    static CommonPasswords bundled() {
        try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The provider jar lacks " + RESOURCE);
            }
            return of(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    static CommonPasswords of(BufferedReader lines) {
        return new CommonPasswords(lines.lines().map(String::strip).filter(line -> !line.isEmpty())
                .map(CommonPasswords::normalized).collect(Collectors.toUnmodifiableSet()));
    }

    boolean contains(String password) {
        return password != null && entries.contains(normalized(password));
    }

    int size() {
        return entries.size();
    }

    /** As Keycloak's passwordBlacklist does: case does not make a listed password safe. */
    private static String normalized(String password) {
        return password.toLowerCase(Locale.ROOT);
    }
}
