package dev.appauth.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON shape the ITs and people read at /api/messages. */
class MailJsonTest {

    @Test
    void fieldsOfAMessage() throws Exception {
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
        msg.setFrom(new InternetAddress("no-reply@app.test", "App"));
        msg.setRecipients(Message.RecipientType.TO, "a@example.com, b@example.com");
        msg.setSubject("Hi");
        msg.setText("plain only", "UTF-8");
        msg.saveChanges();

        JsonNode m = MailJson.messages(new MimeMessage[] {msg}).get(0);

        List<String> fields = new ArrayList<>();
        m.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "from", "to", "subject", "date", "text", "html", "contentLanguage", "headers");
        assertThat(m.path("to")).extracting(JsonNode::asText).containsExactly("a@example.com", "b@example.com");
        assertThat(m.path("text").asText()).isEqualTo("plain only");
        assertThat(m.path("html").isNull()).isTrue();
        assertThat(m.path("headers").path("Subject").asText()).isEqualTo("Hi");
    }

    @Test
    void nestedPartsWithoutAttachmentsAndAnIdForMessagesWithoutOne() throws Exception {
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("body", "UTF-8");
        text.setHeader("Content-Language", "de");
        alternative.addBodyPart(text);
        MimeBodyPart alternativePart = new MimeBodyPart();
        alternativePart.setContent(alternative);
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setText("not the body", "UTF-8");
        attachment.setDisposition(Part.ATTACHMENT);
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(attachment);
        mixed.addBodyPart(alternativePart);
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
        msg.setContent(mixed);
        msg.saveChanges();

        msg.removeHeader("Message-ID");

        JsonNode m = MailJson.message(msg, 7);

        assertThat(m.path("id").asText()).isEqualTo("message-7");
        assertThat(m.path("text").asText()).isEqualTo("body");
        assertThat(m.path("contentLanguage").asText()).isEqualTo("de");
        assertThat(m.path("to")).isEmpty();
    }
}
