package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The OpenAPI document and CORS. */
@ExtendWith(KeycloakStackExtension.class)
class DiscoveryIT {

    @Test
    void openApiDocumentDescribesEveryEndpoint() {
        Http.Reply reply = Http.get(AuthApi.url("openapi.json"));
        assertThat(reply.status()).isEqualTo(200);
        JsonNode doc = reply.json();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.get("paths").fieldNames()).toIterable()
                .contains("/register", "/login", "/refresh", "/logout", "/openapi.json", "/change-password", "/forgot-password",
                        "/reset-password", "/verify-email", "/resend-verification", "/me", "/sessions", "/sessions/{id}",
                        "/reset-password-page", "/login/mfa", "/mfa/factors", "/mfa/factors/{id}", "/mfa/totp",
                        "/mfa/totp/verify", "/mfa/recovery-codes");
        assertThat(doc.at("/paths/~1me").fieldNames()).toIterable().containsExactlyInAnyOrder("get", "patch");
        assertThat(doc.at("/components/schemas/Error/required").toString()).contains("error", "error_description");
    }

    @Test
    void preflightIsAnswered() {
        Http.Reply reply = Http.send(Http.request(AuthApi.url("login"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
        assertThat(reply.header("Access-Control-Allow-Methods")).contains("POST");
    }

    @Test
    void requestsFromTheClientsWebOriginsGetCorsHeadersOthersAreRefused() {
        AuthApi.TestUser user = AuthApi.newUser();
        Http.Reply allowed = Http.postJson(AuthApi.url("login"),
                Http.map("email", user.email(), "password", user.password()), "Origin", "http://localhost:3000");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");

        Http.Reply foreign = Http.postJson(AuthApi.url("login"),
                Http.map("email", user.email(), "password", user.password()), "Origin", "https://evil.example");
        assertThat(foreign.status()).as(foreign.toString()).isEqualTo(403);
        assertThat(foreign.json().get("error").asText()).isEqualTo("invalid_origin");
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
    }
}
