package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.appauth.launcher.KeycloakStack;

/**
 * The Auth API tab in the real admin console: runs console-test/console-tab.mjs (Playwright with the
 * system Chromium) against this run's stack. Skipped where Chromium, node or the script's npm
 * dependencies are missing (set them up with {@code cd console-test && npm ci}); ConsoleTabIT covers
 * the same behaviour through the admin REST API everywhere.
 */
@ExtendWith(KeycloakStackExtension.class)
class ConsoleBrowserIT {

    private static Optional<Path> onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }

    /**
     * Without the browser the check is skipped, loudly; where APP_AUTH_REQUIRE_BROWSER=1 (CI sets it) a missing
     * browser fails the build instead, so CI never passes without having run it.
     */
    private static void need(boolean present, String missing) {
        if (!present && "1".equals(System.getenv("APP_AUTH_REQUIRE_BROWSER"))) {
            throw new AssertionError("browser check required (APP_AUTH_REQUIRE_BROWSER=1) but " + missing);
        }
        if (!present) {
            System.err.println("ConsoleBrowserIT SKIPPED: " + missing);
        }
        assumeTrue(present, missing);
    }

    @Test
    void theAuthApiTabWorksInTheAdminConsole() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        need(Files.isExecutable(chromium), "no Chromium at " + chromium);
        Optional<Path> node = onPath("node");
        need(node.isPresent(), "node is not on the PATH");
        Path dir = Path.of(System.getProperty("console.test.dir", "../console-test")).toAbsolutePath().normalize();
        need(Files.isDirectory(dir.resolve("node_modules/playwright-core")), "playwright-core is not installed: cd " + dir + " && npm ci");

        KeycloakStack stack = KeycloakStackExtension.stack();
        Path shots = Path.of(System.getProperty("project.build.dir", "target"), "console-screenshots").toAbsolutePath();
        Path log = shots.resolveSibling("console-tab.log");
        Files.createDirectories(shots);
        ProcessBuilder pb = new ProcessBuilder(node.get().toString(), "console-tab.mjs").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(Map.of("KC_URL", stack.baseUrl(), "KC_ADMIN_USER", stack.adminUsername(),
                "KC_ADMIN_PASSWORD", stack.adminPassword(), "CHROMIUM", chromium.toString(),
                "SCREENSHOT_DIR", shots.toString()));
        Process process = pb.start();
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            // node and the Chromium it started
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("console-tab.mjs finished within 3 minutes:\n" + output).isTrue();
        assertThat(process.exitValue()).as("console-tab.mjs (screenshots in " + shots + "):\n" + output).isZero();
    }
}
