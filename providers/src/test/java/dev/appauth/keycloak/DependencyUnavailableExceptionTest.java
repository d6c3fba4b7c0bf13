package dev.appauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;

import org.junit.jupiter.api.Test;

class DependencyUnavailableExceptionTest {

    @Test
    void anOutageLogsAsItsCausesOneLineEachWithoutFrames() {
        RuntimeException client = new RuntimeException("Failed to connect to 127.0.0.1:6380.", new ConnectException("Connection refused"));
        client.addSuppressed(new IllegalStateException("pool exhausted"));

        DependencyUnavailableException e = new DependencyUnavailableException(client);

        assertThat(e.getResponse().getStatus()).isEqualTo(503);
        assertThat(e.getMessage()).isEqualTo(DependencyUnavailableException.ERROR);
        assertThat(e.getCause()).isSameAs(client);
        assertThat(e.getCause().getCause()).hasMessage("Connection refused");
        StringWriter printed = new StringWriter();
        e.printStackTrace(new PrintWriter(printed));
        assertThat(printed.toString()).doesNotContain("\tat ")
                .contains("Failed to connect to 127.0.0.1:6380.", "Connection refused", "pool exhausted");
    }
}
