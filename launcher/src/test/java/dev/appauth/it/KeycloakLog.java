package dev.appauth.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The server log of the test stack (keycloak-it.log): what it logged since a mark. */
final class KeycloakLog {

    private KeycloakLog() {
    }

    static Path file() {
        return KeycloakStackExtension.stack().config().keycloakLogFile();
    }

    /** The current end of the log. */
    static long mark() {
        try {
            return Files.size(file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines written after the mark. */
    static List<String> since(long mark) {
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "r")) {
            long length = f.length();
            if (length <= mark) {
                return List.of();
            }
            byte[] bytes = new byte[(int) (length - mark)];
            f.seek(mark);
            f.readFully(bytes);
            return Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines that belong to a stack trace: frames ("\tat ...") and causes. */
    static List<String> stackTraceLines(List<String> lines) {
        return lines.stream().filter(l -> l.matches("^\\s+at [\\w.$/]+\\(.*") || l.startsWith("Caused by:")
                || l.matches("^\\s+\\.\\.\\. \\d+ more$")).toList();
    }
}
