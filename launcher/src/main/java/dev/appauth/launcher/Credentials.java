package dev.appauth.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * A user name and password that ./run.sh keeps in its data directory (mode 0600): the bootstrap admin
 * in {@code admin-credentials}, the embedded PostgreSQL's superuser in {@code db-credentials}.
 */
record Credentials(String username, String password) {

    static final String ADMIN_FILE = "admin-credentials";
    static final String DATABASE_FILE = "db-credentials";
    private static final char[] ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    /** 24 characters from a 57-letter alphabet: about 140 bits, and nothing a shell would interpret. */
    static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    static Credentials read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String username = p.getProperty("username");
        String password = p.getProperty("password");
        if (username == null || password == null) {
            throw new IOException(file + " lacks username= or password=");
        }
        return new Credentials(username, password);
    }

    /** Creates the file with mode 0600 from the start, so the password is never readable by others. */
    void write(Path file, String comment) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties p = new Properties();
        p.setProperty("username", username);
        p.setProperty("password", password);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            p.store(w, comment);
        }
    }

    @Override
    public String toString() {
        return "Credentials[" + username + "]";
    }
}
