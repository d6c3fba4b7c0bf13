package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.appauth.launcher.KeycloakStack;

/**
 * Runs a Playwright script of console-test/ (the system Chromium through playwright-core) against this run's stack.
 * Where Chromium, node or the script's npm dependencies are missing the test is skipped, loudly; where
 * APP_AUTH_REQUIRE_BROWSER=1 (CI sets it) it fails instead, so CI never passes without having run the browser.
 */
final class BrowserScripts {

    private BrowserScripts() {
    }

    /** Runs {@code script}; the test fails unless it exits 0 within the time given. Screenshots go to target/{shotsDir}. */
    static void run(String script, String shotsDir, int minutes, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        need(Files.isExecutable(chromium), "no Chromium at " + chromium);
        Optional<Path> node = onPath("node");
        need(node.isPresent(), "node is not on the PATH");
        Path dir = Path.of(System.getProperty("console.test.dir", "../console-test")).toAbsolutePath().normalize();
        need(Files.isDirectory(dir.resolve("node_modules/playwright-core")), "playwright-core is not installed: cd " + dir + " && npm ci");

        KeycloakStack stack = KeycloakStackExtension.stack();
        Path shots = Path.of(System.getProperty("project.build.dir", "target"), shotsDir).toAbsolutePath();
        Path log = shots.resolveSibling(script.replace(".mjs", ".log"));
        Files.createDirectories(shots);
        ProcessBuilder pb = new ProcessBuilder(node.get().toString(), script).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = new HashMap<>(Map.of("KC_URL", stack.baseUrl(), "KC_ADMIN_USER", stack.adminUsername(),
                "KC_ADMIN_PASSWORD", stack.adminPassword(), "CHROMIUM", chromium.toString(), "SCREENSHOT_DIR", shots.toString()));
        env.putAll(extraEnv);
        pb.environment().putAll(env);
        Process process = pb.start();
        boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            // node and the Chromium it started
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as(script + " finished within " + minutes + " minutes:\n" + output).isTrue();
        assertThat(process.exitValue()).as(script + " (screenshots in " + shots + "):\n" + output).isZero();
    }

    private static void need(boolean present, String missing) {
        if (!present && "1".equals(System.getenv("APP_AUTH_REQUIRE_BROWSER"))) {
            throw new AssertionError("browser check required (APP_AUTH_REQUIRE_BROWSER=1) but " + missing);
        }
        if (!present) {
            System.err.println("BROWSER TEST SKIPPED: " + missing);
        }
        assumeTrue(present, missing);
    }

    private static Optional<Path> onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }
}
