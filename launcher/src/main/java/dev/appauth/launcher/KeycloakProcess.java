package dev.appauth.launcher;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Keycloak server: the unpacked distribution's {@code bin/kc.sh start} (production mode) as a
 * child process. kc.sh traps SIGTERM and forwards it to the server JVM, so {@link Process#destroy()}
 * is a graceful shutdown.
 */
final class KeycloakProcess implements StackService {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 60;
    private static final System.Logger LOG = System.getLogger(KeycloakProcess.class.getName());

    private final Path home;
    private final Path javaHome;
    private final List<String> args;
    private final Map<String, String> env;
    private final boolean inheritKeycloakEnv;
    private final List<Path> realmFiles;
    private final Path logFile;
    private final String managementHost;
    private final int managementPort;
    private final Duration readyTimeout;
    private volatile Process process;
    private boolean stopped;

    KeycloakProcess(Path home, Path javaHome, List<String> args, Map<String, String> env, boolean inheritKeycloakEnv,
                    List<Path> realmFiles, Path logFile, String managementHost, int managementPort, Duration readyTimeout) {
        this.home = home;
        this.javaHome = javaHome;
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.inheritKeycloakEnv = inheritKeycloakEnv;
        this.realmFiles = List.copyOf(realmFiles);
        this.logFile = logFile;
        this.managementHost = managementHost;
        this.managementPort = managementPort;
        this.readyTimeout = readyTimeout;
    }

    @Override
    public String name() {
        return "Keycloak";
    }

    @Override
    public void start() throws IOException, InterruptedException {
        Path kcSh = home.resolve("bin/kc.sh");
        if (!Files.isRegularFile(kcSh)) {
            throw new IOException("No Keycloak distribution at " + home + " (missing bin/kc.sh). "
                    + "Build it first: mvn -DskipTests package");
        }
        if (!Files.isExecutable(javaHome.resolve("bin/java"))) {
            throw new IOException("No java at " + javaHome.resolve("bin/java") + "; set JAVA_HOME to a JDK 17 or 21");
        }
        // a second start (restart in a test) runs the same command against the same database and ports
        boolean restart = process != null;
        stopped = false;
        prepareImportDir();
        ProviderTimestamps.stabilize(home);

        List<String> command = new ArrayList<>();
        // through sh: a zip unpack need not keep the executable bit
        command.add("/bin/sh");
        command.add(kcSh.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> childEnv = pb.environment();
        if (!inheritKeycloakEnv) {
            childEnv.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("KCKEY_"));
        }
        // kc.sh prefers $JAVA over $JAVA_HOME; the configured JDK must win
        childEnv.remove("JAVA");
        childEnv.put("JAVA_HOME", javaHome.toString());
        childEnv.putAll(env);

        // Keycloak never reads stdin; a test fork's stdin carries the test runner's own commands
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (logFile != null) {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            pb.redirectErrorStream(true).redirectOutput(restart
                    ? ProcessBuilder.Redirect.appendTo(logFile.toFile()) : ProcessBuilder.Redirect.to(logFile.toFile()));
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        LOG.log(Level.INFO, "Starting Keycloak: {0} (JAVA_HOME={1}{2})", String.join(" ", command), javaHome,
                logFile != null ? ", log " + logFile : "");
        Process p = pb.start();
        process = p;
        awaitReady(p);
    }

    /** --import-realm reads every JSON file in data/import: leave only the configured realms there. */
    private void prepareImportDir() throws IOException {
        Path importDir = home.resolve("data/import");
        Files.createDirectories(importDir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(importDir, "*.json")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        for (Path realm : realmFiles) {
            if (!Files.isRegularFile(realm)) {
                throw new IOException("Realm file not found: " + realm);
            }
            Files.copy(realm, importDir.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void awaitReady(Process p) throws IOException, InterruptedException {
        URI ready = URI.create("http://" + managementHost + ":" + managementPort + "/health/ready");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("Keycloak exited with code " + p.exitValue() + " before it was ready"
                        + logTail());
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the management interface opens late in the boot; keep polling
            }
            // Keycloak logs every DOWN readiness answer at INFO: poll once a second, not more
            p.waitFor(1, TimeUnit.SECONDS);
        }
        throw new IOException("Keycloak was not ready at " + ready + " within " + readyTimeout.toSeconds() + " s"
                + logTail());
    }

    private String logTail() {
        if (logFile == null) {
            return " (its output is above)";
        }
        try {
            return "; last lines of " + logFile + ":\n" + String.join("\n", tail(logFile, LOG_TAIL_LINES));
        } catch (IOException e) {
            return "; its log " + logFile + " could not be read: " + e.getMessage();
        }
    }

    /** The last lines of a file, reading at most its last 256 KiB. */
    static List<String> tail(Path file, int lines) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            int size = (int) Math.min(length, 256 * 1024);
            byte[] buffer = new byte[size];
            f.seek(length - size);
            f.readFully(buffer);
            List<String> all = Arrays.asList(new String(buffer, StandardCharsets.UTF_8).split("\r?\n"));
            return all.subList(Math.max(0, all.size() - lines), all.size());
        }
    }

    /** Completes when the server process ends, for whatever reason. */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        Process p = process;
        if (stopped || p == null) {
            return;
        }
        stopped = true;
        if (!p.isAlive()) {
            return;
        }
        // collected first: once kc.sh is gone its JVM is re-parented and no longer a descendant
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "Keycloak did not stop within {0} s; killing it", STOP_TIMEOUT.toSeconds());
                kill(p, descendants);
                return;
            }
            // the server JVM must not outlive kc.sh (e.g. kc.sh was killed while the JVM hung)
            for (ProcessHandle h : descendants) {
                if (h.isAlive() && !waitFor(h, STOP_TIMEOUT)) {
                    h.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            kill(p, descendants);
            throw e;
        }
    }

    /**
     * Ends the server at once, as a crash or {@code kill -9} would: SIGKILL to the server JVM and kc.sh, no shutdown
     * hooks, nothing flushed. {@link #start()} brings it back on the same database and ports.
     */
    synchronized void kill() throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        kill(p, descendants);
        p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        for (ProcessHandle h : descendants) {
            waitFor(h, STOP_TIMEOUT);
        }
    }

    private static void kill(Process p, List<ProcessHandle> descendants) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        descendants.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static boolean waitFor(ProcessHandle h, Duration timeout) throws InterruptedException {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return !h.isAlive();
        }
    }

    /** Whether the server process runs (started and neither stopped, killed nor crashed). */
    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }
}
