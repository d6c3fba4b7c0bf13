package dev.appauth.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class MailCatcherTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private MailCatcher catcher;

    @BeforeEach
    void start() throws Exception {
        catcher = new MailCatcher(0, 0);
        catcher.start();
    }

    @AfterEach
    void stop() {
        catcher.close();
        catcher.close();
    }

    @Test
    void apiListsCaughtMailWithTextHtmlAndLanguage() throws Exception {
        send("Grüße", "Hallo Welt", "<p>Hallo <b>Welt</b></p>");

        JsonNode messages = getMessages();

        assertThat(messages).hasSize(1);
        JsonNode m = messages.get(0);
        assertThat(m.path("id").asText()).isNotBlank();
        assertThat(m.path("from").asText()).isEqualTo("App <no-reply@app.test>");
        assertThat(m.path("to").get(0).asText()).isEqualTo("user@example.com");
        assertThat(m.path("subject").asText()).isEqualTo("Grüße");
        assertThat(m.path("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(m.path("text").asText()).isEqualTo("Hallo Welt");
        assertThat(m.path("html").asText()).isEqualTo("<p>Hallo <b>Welt</b></p>");
        assertThat(m.path("contentLanguage").asText()).isEqualTo("de");
        assertThat(catcher.greenMail().getReceivedMessages()).hasSize(1);
    }

    @Test
    void deletePurgesAndPageEscapesHtml() throws Exception {
        send("<script>x</script>", "body", "<i>body</i>");

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(catcher.apiUrl())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("&lt;script&gt;x&lt;/script&gt;").doesNotContain("<script>");

        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(catcher.apiUrl() + "api/messages"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(204);
        assertThat(getMessages()).isEmpty();

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(catcher.apiUrl() + "api/messages"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(catcher.apiUrl() + "nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void smtpAndHttpListenOnLoopbackOnlyUnlessToldOtherwise() throws Exception {
        int httpPort = URI.create(catcher.apiUrl()).getPort();
        assertThat(ListeningSockets.addresses(catcher.smtpPort())).containsExactly("127.0.0.1");
        assertThat(ListeningSockets.addresses(httpPort)).containsExactly("127.0.0.1");

        MailCatcher everywhere = new MailCatcher(BindAddress.of("0.0.0.0"), 0, 0);
        try {
            everywhere.start();
            // Java binds 0.0.0.0 as the dual-stack wildcard ::
            assertThat(ListeningSockets.addresses(everywhere.smtpPort())).isNotEmpty().allMatch(ListeningSockets::everyInterface);
            assertThat(ListeningSockets.addresses(everywhere.httpPort())).isNotEmpty().allMatch(ListeningSockets::everyInterface);
            assertThat(everywhere.smtpHost()).isEqualTo("127.0.0.1");
            assertThat(everywhere.apiUrl()).startsWith("http://localhost:");
        } finally {
            everywhere.close();
        }
    }

    private JsonNode getMessages() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(catcher.apiUrl() + "api/messages")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return new ObjectMapper().readTree(r.body());
    }

    /** Shaped like Keycloak's DefaultEmailSenderProvider: multipart/alternative, text then HTML. */
    private void send(String subject, String text, String html) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", catcher.smtpHost());
        props.put("mail.smtp.port", Integer.toString(catcher.smtpPort()));
        MimeMessage msg = new MimeMessage(Session.getInstance(props));
        msg.setFrom(new InternetAddress("no-reply@app.test", "App"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("user@example.com"));
        msg.setSubject(subject, "UTF-8");
        msg.setHeader("Content-Language", "de");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart textPart = new MimeBodyPart();
        textPart.setText(text, "UTF-8");
        alternative.addBodyPart(textPart);
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setContent(html, "text/html; charset=UTF-8");
        alternative.addBodyPart(htmlPart);
        msg.setContent(alternative);
        Transport.send(msg);
    }
}
