package dev.appauth.it;

import dev.appauth.launcher.KeycloakStack;
import dev.appauth.launcher.ListeningSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * By default every server of the stack listens on loopback only: Keycloak (HTTP and management), the
 * mail catcher (SMTP and HTTP), Redis, and PostgreSQL (localhost). Read from the kernel's socket tables,
 * so nothing is sent to another address.
 */
@ExtendWith(KeycloakStackExtension.class)
class ListenAddressIT {

    @Test
    void everyServerListensOnLoopbackOnly() throws Exception {
        KeycloakStack stack = KeycloakStackExtension.stack();
        Map<String, Integer> ports = Map.of(
                "Keycloak HTTP", stack.httpPort(),
                "Keycloak management", stack.managementPort(),
                "mail catcher SMTP", stack.smtpPort(),
                "mail catcher HTTP", URI.create(stack.mailApiUrl()).getPort(),
                "Redis", stack.redis().port());
        for (Map.Entry<String, Integer> server : ports.entrySet()) {
            assertThat(ListeningSockets.addresses(server.getValue())).as(server.getKey()).containsExactly("127.0.0.1");
        }
        assertThat(ListeningSockets.addresses(stack.postgres().port())).as("PostgreSQL")
                .isNotEmpty().allMatch(a -> a.equals("127.0.0.1") || a.equals("0:0:0:0:0:0:0:1"));
        assertThat(stack.bindAddress().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void keycloakBuildsItsUrlsFromThePublicUrlNotFromForwardedHeaders() {
        // the tests trust X-Forwarded-* from loopback (--proxy-headers): without --hostname these would win
        String issuer = AuthApi.stack().realmUrl(AuthApi.REALM);
        Http.Reply discovery = Http.send(Http.request(issuer + "/.well-known/openid-configuration")
                .header("X-Forwarded-Host", "evil.example:1234").header("X-Forwarded-Proto", "https").GET().build());

        assertThat(discovery.status()).isEqualTo(200);
        assertThat(discovery.json().path("issuer").asText()).isEqualTo(issuer);
        assertThat(issuer).startsWith("http://localhost:" + AuthApi.stack().httpPort() + "/");
    }
}
