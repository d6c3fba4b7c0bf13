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
        Launcher.Options o = Launcher.Options.parse(new String[0], Map.of());

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
        Launcher.Options o = Launcher.Options.parse(new String[] {
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

        Launcher.Options o = Launcher.Options.parse(new String[] {"--db-user", "other"}, env);

        assertThat(o.dbUrl).isEqualTo("jdbc:postgresql://db/kc");
        assertThat(o.dbUser).isEqualTo("other");
        assertThat(o.dbPassword).isEqualTo("secret");
        assertThat(o.adminUser).isEqualTo("root");
        assertThat(o.adminPassword).isEqualTo("pw");
    }

    @Test
    void rejectsWhatItCannotUse() {
        assertThatThrownBy(() -> Launcher.Options.parse(new String[] {"--nope"}, Map.of()))
                .hasMessageContaining("unknown option --nope");
        assertThatThrownBy(() -> Launcher.Options.parse(new String[] {"--http-port", "x"}, Map.of()))
                .hasMessageContaining("not a port");
        assertThatThrownBy(() -> Launcher.Options.parse(new String[] {"--http-port"}, Map.of()))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Launcher.Options.parse(new String[] {"--fresh=yes"}, Map.of()))
                .hasMessageContaining("takes no value");
        assertThatThrownBy(() -> Launcher.Options.parse(new String[] {"--db-url", "jdbc:postgresql://x/y"}, Map.of()))
                .hasMessageContaining("--db-user");
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
        AdminCredentials written = new AdminCredentials("admin", AdminCredentials.randomPassword());
        written.write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(AdminCredentials.read(file)).isEqualTo(written);
        assertThat(written.password()).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(AdminCredentials.randomPassword()).isNotEqualTo(written.password());
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
