package dev.appauth.keycloak.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

class AuthResourceTest {

    @Test
    void connectionFailuresAnywhereInTheCauseChainMeanUnavailable() {
        assertThat(AuthResource.isUnavailable(new RuntimeException(new SQLTransientConnectionException("down", "08001")))).isTrue();
        assertThat(AuthResource.isUnavailable(new IllegalStateException("x", new RuntimeException(new SQLException("no state"))))).isTrue();
    }

    @Test
    void otherFailuresAreNotUnavailable() {
        assertThat(AuthResource.isUnavailable(new IllegalStateException("bug"))).isFalse();
        assertThat(AuthResource.isUnavailable(new RuntimeException(new SQLException("constraint", "23505")))).isFalse();
    }
}
