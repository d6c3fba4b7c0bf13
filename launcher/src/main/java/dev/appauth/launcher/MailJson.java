package dev.appauth.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Caught mail as JSON, the shape of {@code GET /api/messages}: id, from, to, subject, date, text, html,
 * contentLanguage and headers of each message.
 */
final class MailJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private MailJson() {
    }

    /** The messages in the order given (GreenMail's: oldest first, one copy per recipient mailbox). */
    static ArrayNode messages(MimeMessage[] messages) throws MessagingException, IOException {
        ArrayNode list = MAPPER.createArrayNode();
        for (int i = 0; i < messages.length; i++) {
            list.add(message(messages[i], i));
        }
        return list;
    }

    /** One message; {@code index} names it when it has no Message-ID. */
    static ObjectNode message(MimeMessage message, int index) throws MessagingException, IOException {
        ObjectNode m = MAPPER.createObjectNode();
        String messageId = message.getMessageID();
        m.put("id", messageId != null ? messageId : "message-" + index);
        m.put("from", addresses(message.getFrom()).stream().findFirst().orElse(null));
        ArrayNode to = m.putArray("to");
        addresses(message.getRecipients(MimeMessage.RecipientType.TO)).forEach(to::add);
        m.put("subject", message.getSubject());
        Date sent = message.getSentDate();
        m.put("date", sent != null ? sent.toInstant().toString() : null);
        Bodies bodies = new Bodies();
        collect(message, bodies);
        m.put("text", bodies.text);
        m.put("html", bodies.html);
        String language = message.getHeader("Content-Language", ",");
        m.put("contentLanguage", language != null ? language : bodies.language);
        ObjectNode headers = m.putObject("headers");
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Enumeration<Header> e = message.getAllHeaders(); e.hasMoreElements(); ) {
            Header h = e.nextElement();
            byName.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        byName.forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return m;
    }

    private static final class Bodies {
        String text;
        String html;
        String language;
    }

    /** First text/plain and first text/html part, however deep the multipart nesting. */
    private static void collect(Part part, Bodies bodies) throws MessagingException, IOException {
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return;
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), bodies);
            }
            return;
        }
        boolean plain = part.isMimeType("text/plain");
        boolean html = part.isMimeType("text/html");
        if ((plain && bodies.text == null) || (html && bodies.html == null)) {
            String content = String.valueOf(part.getContent());
            if (plain) {
                bodies.text = content;
            } else {
                bodies.html = content;
            }
            String[] language = part.getHeader("Content-Language");
            if (bodies.language == null && language != null && language.length > 0) {
                bodies.language = language[0];
            }
        }
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> result = new ArrayList<>();
        if (addresses != null) {
            for (Address a : addresses) {
                result.add(a instanceof InternetAddress ia ? ia.toUnicodeString() : a.toString());
            }
        }
        return result;
    }
}
