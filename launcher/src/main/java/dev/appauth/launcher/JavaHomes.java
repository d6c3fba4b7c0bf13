package dev.appauth.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Picks the JDK that runs Keycloak: Keycloak 26.7 supports Java 17 and 21 only. */
public final class JavaHomes {

    private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);
    private static final Pattern VERSION_OUTPUT = Pattern.compile("version \"([^\"]+)\"");

    private JavaHomes() {
    }

    /** The configured JDK, else $JAVA_HOME when it is a 17 or 21, else {@link StackConfig#DEFAULT_JDK}. */
    public static Path resolve(Path configured) {
        if (configured != null) {
            return configured;
        }
        String env = System.getenv("JAVA_HOME");
        if (env != null && !env.isBlank()) {
            Path home = Path.of(env);
            if (isSupported(home)) {
                return home;
            }
        }
        return StackConfig.DEFAULT_JDK;
    }

    static boolean isSupported(Path javaHome) {
        return featureVersion(javaHome).map(v -> v == 17 || v == 21).orElse(false);
    }

    /** The JDK's feature version from its release file, or from `java -version` when there is none. */
    static Optional<Integer> featureVersion(Path javaHome) {
        Path java = javaHome.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            return Optional.empty();
        }
        try {
            Path release = javaHome.resolve("release");
            if (Files.isRegularFile(release)) {
                Matcher m = RELEASE_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
                if (m.find()) {
                    return Optional.of(feature(m.group(1)));
                }
            }
            Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            Matcher m = VERSION_OUTPUT.matcher(out);
            return m.find() ? Optional.of(feature(m.group(1))) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** "17.0.15" gives 17, the pre-9 scheme "1.8.0_402" gives 8. */
    static int feature(String version) {
        String[] parts = version.split("[.+_-]");
        int first = Integer.parseInt(parts[0]);
        return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
    }
}
