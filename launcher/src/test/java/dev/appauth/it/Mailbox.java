package dev.appauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/** The mail the server sent, as GreenMail caught it: waiting for a recipient's mail, its parts and its link. */
public final class Mailbox {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"<>]+");

    /** One received mail with its plain-text and HTML parts. */
    public record Mail(String to, String subject, String text, String html, String contentLanguage) {

        /** The first link of the plain-text part. */
        public String link() {
            Matcher m = URL.matcher(text);
            assertThat(m.find()).as("a link in: " + text).isTrue();
            return m.group();
        }

        /** The action token of the link: {@code token=} on an app page, {@code key=} at Keycloak's action-token endpoint. */
        public String token() {
            String query = URI.create(link()).getRawQuery();
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && (kv[0].equals("token") || kv[0].equals("key"))) {
                    return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
                }
            }
            throw new AssertionError("no token in " + link());
        }
    }

    private Mailbox() {
    }

    private static GreenMail greenMail() {
        return KeycloakStackExtension.stack().greenMail();
    }

    /** Every mail received so far for this address, oldest first. */
    public static List<Mail> all(String recipient) {
        List<Mail> mails = new ArrayList<>();
        for (MimeMessage message : greenMail().getReceivedMessages()) {
            try {
                if (Arrays.stream(message.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equalsIgnoreCase(recipient))) {
                    mails.add(read(recipient, message));
                }
            } catch (MessagingException | IOException e) {
                throw new AssertionError("unreadable mail", e);
            }
        }
        return mails;
    }

    /** Waits until the address has received its {@code n}-th mail (1-based) and returns it. */
    public static Mail awaitMail(String recipient, int n) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<Mail> mails = all(recipient);
        while (mails.size() < n && System.nanoTime() < deadline) {
            sleep(100);
            mails = all(recipient);
        }
        assertThat(mails).as("mails to " + recipient).hasSizeGreaterThanOrEqualTo(n);
        return mails.get(n - 1);
    }

    /** Waits for a while and asserts the address got no more than {@code count} mails. */
    public static void assertStillOnly(String recipient, int count, Duration wait) {
        sleep(wait.toMillis());
        assertThat(all(recipient)).as("mails to " + recipient).hasSize(count);
    }

    private static Mail read(String recipient, MimeMessage message) throws MessagingException, IOException {
        String text = null;
        String html = null;
        Object content = message.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    html = (String) part.getContent();
                }
            }
        } else if (message.isMimeType("text/plain")) {
            text = (String) content;
        }
        String[] language = message.getHeader("Content-Language");
        return new Mail(recipient, message.getSubject(), text, html, language == null ? null : language[0]);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
