package dev.appauth.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Keycloak re-augments its server image (about 25 s on two cores) whenever a provider jar's
 * modification time differs from the one recorded at the last augmentation, and every
 * {@code mvn package} rewrites the provider jar with a new time even when its bytes did not change.
 * This gives a jar whose content is unchanged its earlier time back, so only real changes cost an
 * augmentation. The record lives in the distribution's data/ directory.
 */
final class ProviderTimestamps {

    static final String RECORD = "data/app-auth-provider-timestamps.properties";

    private ProviderTimestamps() {
    }

    static void stabilize(Path keycloakHome) throws IOException {
        Path providers = keycloakHome.resolve("providers");
        if (!Files.isDirectory(providers)) {
            return;
        }
        Path recordFile = keycloakHome.resolve(RECORD);
        Properties record = new Properties();
        if (Files.isRegularFile(recordFile)) {
            try (Reader r = Files.newBufferedReader(recordFile, StandardCharsets.UTF_8)) {
                record.load(r);
            }
        }
        boolean changed = false;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(providers, "*.jar")) {
            for (Path jar : jars) {
                String key = jar.getFileName().toString();
                String hash = sha256(jar);
                long mtime = Files.getLastModifiedTime(jar).toMillis();
                String[] seen = record.getProperty(key, "").split(" ");
                if (seen.length == 2 && seen[0].equals(hash)) {
                    long earlier = Long.parseLong(seen[1]);
                    if (earlier != mtime) {
                        Files.setLastModifiedTime(jar, FileTime.fromMillis(earlier));
                    }
                } else {
                    record.setProperty(key, hash + " " + mtime);
                    changed = true;
                }
            }
        }
        if (changed) {
            Files.createDirectories(recordFile.getParent());
            try (Writer w = Files.newBufferedWriter(recordFile, StandardCharsets.UTF_8)) {
                record.store(w, "provider jar: sha-256 and the modification time Keycloak last saw");
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
