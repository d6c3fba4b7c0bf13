package dev.appauth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherOptionsTest {

    @Test
    void defaultsMatchRunSh() {
        LauncherOptions o = LauncherOptions.parse(new String[0], Map.of());

        assertThat(o.httpPort).isEqualTo(8080);
        assertThat(o.managementPort).isEqualTo(9000);
        assertThat(o.pgPort).isEqualTo(5433);
        assertThat(o.mailPort).isEqualTo(3025);
        assertThat(o.mailHttpPort).isEqualTo(8025);
        assertThat(o.dataDir).isEqualTo(Path.of(".data"));
        assertThat(o.realmFile).isEqualTo(Path.of("realm-config/app-realm.json"));
        assertThat(o.adminUser).isEqualTo("admin");
        assertThat(o.adminPassword).isNull();
        assertThat(o.dbUrl).isNull();
        assertThat(o.fresh).isFalse();
    }

    @Test
    void bothOptionFormsFlagsAndPassThrough() {
        LauncherOptions o = LauncherOptions.parse(new String[] {
                "--http-port=8181", "--pg-port", "6543", "--fresh", "--repo-root", "/srv/app",
                "--", "--log-level=debug", "--fresh"}, Map.of());

        assertThat(o.httpPort).isEqualTo(8181);
        assertThat(o.pgPort).isEqualTo(6543);
        assertThat(o.fresh).isTrue();
        assertThat(o.repoRoot).isEqualTo(Path.of("/srv/app"));
        assertThat(o.keycloakArgs).containsExactly("--log-level=debug", "--fresh");
    }

    @Test
    void environmentSuppliesDatabaseAndAdminAndOptionsWin() {
        Map<String, String> env = Map.of("KC_DB_URL", "jdbc:postgresql://db/kc", "KC_DB_USERNAME", "kc",
                "KC_DB_PASSWORD", "secret", "KC_BOOTSTRAP_ADMIN_USERNAME", "root", "KC_BOOTSTRAP_ADMIN_PASSWORD", "pw");

        LauncherOptions o = LauncherOptions.parse(new String[] {"--db-user", "other"}, env);

        assertThat(o.dbUrl).isEqualTo("jdbc:postgresql://db/kc");
        assertThat(o.dbUser).isEqualTo("other");
        assertThat(o.dbPassword).isEqualTo("secret");
        assertThat(o.adminUser).isEqualTo("root");
        assertThat(o.adminPassword).isEqualTo("pw");
    }

    @Test
    void rejectsWhatItCannotUse() {
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--nope"}, Map.of()))
                .hasMessageContaining("Unknown option: '--nope'");
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--http-port", "x"}, Map.of()))
                .hasMessageContaining("not a port");
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--http-port"}, Map.of()))
                .hasMessageContaining("Missing required parameter for option '--http-port' (N)");
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--fresh=yes"}, Map.of()))
                .hasMessageContaining("'--fresh' should be specified without 'yes' parameter");
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--db-url", "jdbc:postgresql://x/y"}, Map.of()))
                .hasMessageContaining("--db-user");
    }

    @Test
    void keycloakOptionsOnlyAfterTheDelimiterAndRepeatedOptionsOverride() {
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"start-dev"}, Map.of()))
                .hasMessageContaining("unexpected argument 'start-dev'; Keycloak options go after --");
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--no-redis"}, Map.of("APP_AUTH_REDIS_URL", "redis://r")))
                .hasMessageContaining("--no-redis and --redis-url exclude each other");

        LauncherOptions o = LauncherOptions.parse(new String[] {
                "--repo-root", "/a", "--no-build", "--no-redis", "--repo-root=/b", "--", "start-dev"}, Map.of());

        assertThat(o.repoRoot).isEqualTo(Path.of("/b"));
        assertThat(o.noRedis).isTrue();
        assertThat(o.keycloakArgs).containsExactly("start-dev");
    }

    @Test
    void helpDescribesEveryOptionWithoutPrintingPasswordsFromTheEnvironment() {
        Run help = run(Map.of("KC_BOOTSTRAP_ADMIN_PASSWORD", "env-secret", "KC_DB_PASSWORD", "db-secret"), "--help");

        assertThat(help.exitCode).isZero();
        assertThat(help.out).startsWith("Usage: ./run.sh [OPTIONS] [-- KEYCLOAK_OPTION...]")
                .contains("--http-port=N", "Keycloak HTTP port (default 8080)", "--no-build", "--version",
                        "env KC_DB_PASSWORD", "after --: passed to kc.sh start unchanged")
                .doesNotContain("env-secret", "db-secret");
        for (picocli.CommandLine.Model.OptionSpec option : LauncherOptions.commandLine(Map.of()).getCommandSpec().options()) {
            assertThat(option.description()).as(option.longestName()).isNotEmpty();
            assertThat(help.out).contains(option.longestName());
        }
    }

    @Test
    void versionNamesLauncherAndKeycloak() {
        Run version = run(Map.of(), "--version");

        assertThat(version.exitCode).isZero();
        assertThat(version.out).startsWith("app-auth launcher ").contains("Keycloak " + LauncherVersion.KEYCLOAK);
        assertThat(LauncherVersion.KEYCLOAK).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void badOptionsGiveOneLineAndExitCode2() {
        Run typo = run(Map.of(), "--htp-port", "1");
        assertThat(typo.exitCode).isEqualTo(2);
        assertThat(typo.out).isEmpty();
        assertThat(typo.err).isEqualTo("run.sh: Unknown option: '--htp-port'; did you mean --http-port? (see --help)\n");

        Run port = run(Map.of(), "--http-port=99999");
        assertThat(port.exitCode).isEqualTo(2);
        assertThat(port.err).isEqualTo("run.sh: Invalid value for option '--http-port': not a port: 99999 (see --help)\n");
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        picocli.CommandLine cli = LauncherOptions.commandLine(env);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void bindDefaultsToLoopbackAndPublicUrlToLocalhostAndTheHttpPort() {
        LauncherOptions o = LauncherOptions.parse(new String[] {"--http-port", "8181"}, Map.of());

        assertThat(o.bind).isEqualTo(BindAddress.LOOPBACK);
        assertThat(o.bind.host()).isEqualTo("127.0.0.1");
        assertThat(o.publicUrl).isNull();
        assertThat(o.publicUrlOrDefault()).isEqualTo("http://localhost:8181");
    }

    @Test
    void bindAndPublicUrlAsGiven() {
        LauncherOptions o = LauncherOptions.parse(new String[] {
                "--bind", "0.0.0.0", "--public-url=https://auth.example.com/kc/"}, Map.of());

        assertThat(o.bind.host()).isEqualTo("0.0.0.0");
        assertThat(o.bind.everyInterface()).isTrue();
        assertThat(o.bind.localHost()).isEqualTo("127.0.0.1");
        assertThat(o.publicUrlOrDefault()).isEqualTo("https://auth.example.com/kc");

        BindAddress v6 = LauncherOptions.parse(new String[] {"--bind=::1"}, Map.of()).bind;
        assertThat(v6.localUrlHost()).isEqualTo("[0:0:0:0:0:0:0:1]");
        assertThat(LauncherOptions.parse(new String[] {"--bind", "192.0.2.10"}, Map.of()).bind.displayHost())
                .isEqualTo("192.0.2.10");
    }

    @Test
    void rejectsBindAddressesThatAreNoIpAndPublicUrlsThatAreNoHttpUrl() {
        for (String bad : new String[] {"localhost", "256.1.1.1", "1.2.3", "::zz"}) {
            assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--bind", bad}, Map.of()))
                    .as(bad).hasMessageContaining("Invalid value for option '--bind': not an IP address: " + bad);
        }
        for (String bad : new String[] {"localhost:8080", "ftp://host", "http://", "http://h/?a=b", "http://u:p@h", "http://h/#x"}) {
            assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--public-url", bad}, Map.of()))
                    .as(bad).hasMessageContaining("Invalid value for option '--public-url': not an http(s) URL");
        }
    }

    @Test
    void freshWipesOnlyWhatTheLauncherCreated(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("postgres/base"));
        Files.writeString(data.resolve("postgres/base/x"), "x");
        Files.writeString(data.resolve("postgres.log"), "log");
        Launcher.wipeDataDir(data);
        assertThat(data).doesNotExist();

        Files.createDirectories(data);
        Files.writeString(data.resolve("thesis.tex"), "precious");
        assertThatThrownBy(() -> Launcher.wipeDataDir(data)).hasMessageContaining("thesis.tex");
        assertThat(data.resolve("thesis.tex")).exists();
    }

    @Test
    void credentialsFileIsPrivateAndRoundTrips(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("d/admin-credentials");
        Credentials written = new Credentials("admin", Credentials.randomPassword());
        written.write(file, "test");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Credentials.read(file)).isEqualTo(written);
        assertThat(written.password()).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(Credentials.randomPassword()).isNotEqualTo(written.password());
    }

    @Test
    void javaFeatureVersions() {
        assertThat(JavaHomes.feature("17.0.15")).isEqualTo(17);
        assertThat(JavaHomes.feature("21")).isEqualTo(21);
        assertThat(JavaHomes.feature("25-ea")).isEqualTo(25);
        assertThat(JavaHomes.feature("1.8.0_402")).isEqualTo(8);
        assertThat(JavaHomes.featureVersion(Path.of("/nonexistent"))).isEmpty();
        assertThat(List.of(StackConfig.DEFAULT_JDK)).allSatisfy(p -> assertThat(p).isAbsolute());
    }
}
