package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mailed links come from the configured public URL (Keycloak's hostname), never from the request: a forged
 * Host or X-Forwarded-Host (which the test stack trusts from loopback) must not move a live token to another host.
 */
@ExtendWith(KeycloakStackExtension.class)
class ForgedHostIT {

    private static final Pattern URL = Pattern.compile("https?://[^/\\s\"'<>]+");

    @Test
    void resetAndVerificationLinksIgnoreForgedHostHeaders() throws IOException {
        AuthApi.TestUser user = AuthApi.newUser();
        Mailbox.awaitMail(user.email(), 1); // the verification mail of the registration
        String body = "{\"email\":\"" + user.email() + "\"}";
        assertThat(rawPost("forgot-password", body, "Host: evil.example")).startsWith("HTTP/1.1 202");
        assertThat(rawPost("resend-verification", body, "Host: localhost", "X-Forwarded-Host: evil.example",
                "X-Forwarded-Proto: https")).startsWith("HTTP/1.1 202");
        assertThat(rawPost("forgot-password", body, "Host: evil.example:8443", "X-Forwarded-Host: evil2.example",
                "Forwarded: host=evil3.example;proto=https")).startsWith("HTTP/1.1 202");

        List<Mailbox.Mail> mails = List.of(Mailbox.awaitMail(user.email(), 2), Mailbox.awaitMail(user.email(), 3),
                Mailbox.awaitMail(user.email(), 4));
        String publicOrigin = origin(KeycloakStackExtension.stack().baseUrl());
        for (Mailbox.Mail mail : mails) {
            String both = mail.text() + "\n" + mail.html();
            assertThat(both).doesNotContain("evil");
            Matcher urls = URL.matcher(mail.text());
            int found = 0;
            while (urls.find()) {
                assertThat(urls.group()).as(mail.subject()).isEqualTo(publicOrigin);
                found++;
            }
            assertThat(found).as(mail.subject() + " carries its link").isPositive();
        }
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** An HTTP/1.1 request written by hand: Java's client does not let a caller choose the Host header. */
    private static String rawPost(String endpoint, String json, String... headers) throws IOException {
        URI uri = URI.create(AuthApi.url(endpoint));
        byte[] content = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder("POST " + uri.getRawPath() + " HTTP/1.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length)
                .append("\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
