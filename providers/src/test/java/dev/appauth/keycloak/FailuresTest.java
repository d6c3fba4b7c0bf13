package dev.appauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void connectionFailuresAnywhereInTheCauseChainMeanUnavailable() {
        assertThat(Failures.isUnavailable(new RuntimeException(new SQLTransientConnectionException("down", "08001")))).isTrue();
        assertThat(Failures.isUnavailable(new IllegalStateException("x", new RuntimeException(new SQLException("no state"))))).isTrue();
        assertThat(Failures.isUnavailable(new RuntimeException(new SQLException("admin shutdown", "57P01")))).isTrue();
        assertThat(Failures.isUnavailable(new RuntimeException(new SQLException("too many connections", "53300")))).isTrue();
    }

    @Test
    void anUnavailableDependencyMeansUnavailableAndAnswers503() {
        DependencyUnavailableException down = new DependencyUnavailableException(new IllegalStateException("refused"));
        assertThat(Failures.isUnavailable(down)).isTrue();
        assertThat(Failures.isUnavailable(new IllegalStateException("wrapped", down))).isTrue();
        assertThat(down.getResponse().getStatus()).isEqualTo(503);
        assertThat(down.getMessage()).isEqualTo("temporarily_unavailable");
    }

    @Test
    void otherFailuresAreNotUnavailable() {
        assertThat(Failures.isUnavailable(new IllegalStateException("bug"))).isFalse();
        assertThat(Failures.isUnavailable(new RuntimeException(new SQLException("constraint", "23505")))).isFalse();
        assertThat(Failures.isUnavailable(new RuntimeException(new SQLException("bad encoding", "22021")))).isFalse();
    }

    @Test
    void describeNamesClassesAndStatesButNoMessages() {
        String described = Failures.describe(new IllegalStateException("secret@example.com",
                new SQLException("password=hunter2", "57P01")));
        assertThat(described).isEqualTo("java.lang.IllegalStateException <- java.sql.SQLException [SQLState 57P01]");
    }
}
