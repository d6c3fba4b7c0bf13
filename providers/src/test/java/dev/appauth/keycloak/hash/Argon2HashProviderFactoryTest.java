package dev.appauth.keycloak.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.appauth.keycloak.redis.MapScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class Argon2HashProviderFactoryTest {

    @Test
    void readsKeycloaksOptionNamesAndDefaults() {
        Argon2Config defaults = Argon2Config.from(new MapScope(Map.of()));
        assertThat(defaults.spec()).isEqualTo(Argon2Spec.KEYCLOAK_DEFAULT);
        assertThat(defaults.maxConcurrent()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.implementation()).isEqualTo(Argon2Config.Implementation.AUTO);

        Argon2Config set = Argon2Config.from(new MapScope(Map.of("type", "i", "version", "1.0", "hashLength", "64",
                "memory", "19456", "iterations", "2", "parallelism", "2", "cpuCores", "3", "implementation", "Java")));
        assertThat(set.spec()).isEqualTo(new Argon2Spec("i", "1.0", 64, 19456, 2, 2));
        assertThat(set.maxConcurrent()).isEqualTo(3);
        assertThat(set.implementation()).isEqualTo(Argon2Config.Implementation.JAVA);
    }

    @Test
    void refusesBadOptionsAtStartup() {
        for (Map<String, String> bad : List.of(Map.of("type", "x"), Map.of("version", "1.2"), Map.of("memory", "4"),
                Map.of("iterations", "0"), Map.of("hashLength", "2"), Map.of("parallelism", "0"), Map.of("cpuCores", "0"),
                Map.of("implementation", "fast"))) {
            assertThatThrownBy(() -> Argon2Config.from(new MapScope(bad))).as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void initPicksNativeHereAndSaysSo() {
        Argon2HashProviderFactory factory = new Argon2HashProviderFactory();
        factory.init(new MapScope(Map.of("cpuCores", "2")));
        assertThat(factory.getId()).isEqualTo("argon2");
        assertThat(factory.order()).isGreaterThan(300);
        assertThat(factory.getOperationalInfo()).containsEntry("implementation", "native")
                .containsEntry("maxConcurrentHashes", "2").containsKey("parameters");
        assertThat(factory.create(null)).isSameAs(factory.create(null));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        factory.registerMeters(registry);
        assertThat(registry.get("app_auth_password_hash_implementation").tag("implementation", "native").gauge().value()).isEqualTo(1.0);
        factory.create(null).encodedCredential("p", -1);
        assertThat(registry.get("app_auth_password_hash_computed").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("app_auth_password_hash_waiting").gauge().value()).isZero();
    }

    @Test
    void javaWhenAskedFor() {
        Argon2HashProviderFactory factory = new Argon2HashProviderFactory();
        factory.init(new MapScope(Map.of("implementation", "java")));
        assertThat(factory.getOperationalInfo()).containsEntry("implementation", "java");
    }

    /**
     * Where libargon2 cannot load (here: no system library path for JNA, and the class path without the jar of
     * libargon2 builds, as on a platform the jar has none for), auto falls back
     * to BouncyCastle with one WARN line, and native refuses to start. JNA links a library once per JVM, so
     * this runs in a JVM of its own.
     */
    @Test
    void withoutLibargon2AutoFallsBackWithOneWarningAndNativeRefuses() throws Exception {
        Child auto = child("auto");
        assertThat(auto.exit).as(auto.output).isZero();
        assertThat(auto.output).contains("engine=java");
        assertThat(auto.output.lines().filter(l -> l.contains("native libargon2 unavailable"))).hasSize(1);
        assertThat(auto.output).doesNotContain("\tat ");

        Child nat = child("native");
        assertThat(nat.exit).as(nat.output).isZero();
        assertThat(nat.output).contains("implementation=native but libargon2 cannot be used: UnsatisfiedLinkError");
    }

    /** The copy of libargon2 in the jar serves where the system has none (JNA unpacks it to a temp file). */
    @Test
    void theBundledLibargon2LoadsWhereTheSystemHasNone() throws Exception {
        Child bundled = child("native", false);
        assertThat(bundled.exit).as(bundled.output).isZero();
        assertThat(bundled.output).contains("engine=native").doesNotContain("/usr/lib");
    }

    private record Child(int exit, String output) {
    }

    private static Child child(String implementation) throws Exception {
        return child(implementation, true);
    }

    private static Child child(String implementation, boolean withoutBundledLibrary) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !withoutBundledLibrary || !Path.of(entry).getFileName().toString().startsWith("argon2-jvm-2"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath).contains("argon2-jvm-nolibs");
        Process process = new ProcessBuilder(java.toString(), "-Djna.platform.library.path=/nonexistent",
                "-cp", classPath, NoLibargon2.class.getName(), implementation)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Child(process.exitValue(), output);
    }
}
