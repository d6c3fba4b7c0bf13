package dev.appauth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ./run.sh's PostgreSQL writes safely and needs its password; the tests' stays fast and trusting. */
class PostgresServiceTest {

    @Test
    void durableClusterNeedsItsPasswordAndSyncsToDisk(@TempDir Path tmp) throws Exception {
        Path passwordFile = tmp.resolve(Credentials.DATABASE_FILE);
        try (PostgresService pg = durable(tmp, passwordFile)) {
            pg.start();
            String password = Credentials.read(passwordFile).password();

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            assertThat(pg.database().password()).isEqualTo(password);
            assertThat(refusal(pg, "wrong")).isEqualTo(DatabasePassword.INVALID_PASSWORD);
            try (Connection c = connect(pg, password)) {
                assertThat(show(c, "fsync")).isEqualTo("on");
                assertThat(show(c, "synchronous_commit")).isEqualTo("on");
                assertThat(show(c, "full_page_writes")).isEqualTo("on");
                assertThat(show(c, "listen_addresses")).isEqualTo("localhost");
                assertThat(show(c, "password_encryption")).isEqualTo("scram-sha-256");
            }
            assertThat(Files.readString(tmp.resolve("pg/pg_hba.conf"))).doesNotContain("trust");
        }

        // the next start reuses the cluster and the kept password
        try (PostgresService pg = durable(tmp, passwordFile)) {
            pg.start();
            connect(pg, Credentials.read(passwordFile).password()).close();
        }

        Files.delete(passwordFile);
        assertThatThrownBy(() -> {
            try (PostgresService pg = durable(tmp, passwordFile)) {
                pg.start();
            }
        }).hasMessageContaining("requires a password").hasMessageContaining("--fresh");
    }

    @Test
    void trustingClusterOfAnOlderRunShIsSwitchedToPasswordsKeepingItsData(@TempDir Path tmp) throws Exception {
        try (PostgresService old = new PostgresService(tmp.resolve("pg"), 0, tmp.resolve("pg.log"), false, null)) {
            old.start();
            try (Connection c = connect(old, "anything"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('users')");
            }
        }
        assertThat(PgHba.trusts(tmp.resolve("pg"))).isTrue();

        Path passwordFile = tmp.resolve(Credentials.DATABASE_FILE);
        try (PostgresService pg = durable(tmp, passwordFile)) {
            pg.start();

            assertThat(PgHba.trusts(tmp.resolve("pg"))).isFalse();
            assertThat(refusal(pg, "anything")).isEqualTo(DatabasePassword.INVALID_PASSWORD);
            try (Connection c = connect(pg, Credentials.read(passwordFile).password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("users");
                assertThat(show(c, "fsync")).isEqualTo("on");
            }
        }
    }

    @Test
    void throwAwayClusterOfTheTestsKeepsTheFastSettings() throws Exception {
        try (PostgresService pg = new PostgresService(null, 0, null, false, null)) {
            pg.start();
            try (Connection c = connect(pg, "anything")) {
                assertThat(show(c, "fsync")).isEqualTo("off");
                assertThat(show(c, "synchronous_commit")).isEqualTo("off");
            }
        }
    }

    private static PostgresService durable(Path tmp, Path passwordFile) throws Exception {
        return new PostgresService(tmp.resolve("pg"), 0, tmp.resolve("pg.log"), true, passwordFile);
    }

    private static Connection connect(PostgresService pg, String password) throws SQLException {
        return DriverManager.getConnection(pg.database().jdbcUrl(), pg.database().username(), password);
    }

    /** The SQLSTATE of a refused login; fails if the login works. */
    private static String refusal(PostgresService pg, String password) {
        try (Connection ignored = connect(pg, password)) {
            throw new AssertionError("logged in with password " + password);
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
