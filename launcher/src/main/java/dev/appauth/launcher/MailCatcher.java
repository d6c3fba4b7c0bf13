package dev.appauth.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Catches every mail Keycloak sends: an in-process GreenMail SMTP server on localhost, plus a small
 * HTTP view of the caught mail ({@code GET /api/messages} as JSON, {@code DELETE /api/messages},
 * {@code GET /} as HTML) for people using ./run.sh. Tests read {@link #greenMail()} directly.
 */
final class MailCatcher implements StackService {

    static final String SMTP_HOST = "127.0.0.1";

    private static final System.Logger LOG = System.getLogger(MailCatcher.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int requestedSmtpPort;
    private final int requestedHttpPort;
    private GreenMail greenMail;
    private HttpServer http;
    private ExecutorService httpExecutor;

    MailCatcher(int smtpPort, int httpPort) {
        this.requestedSmtpPort = smtpPort;
        this.requestedHttpPort = httpPort;
    }

    @Override
    public String name() {
        return "mail catcher";
    }

    @Override
    public void start() throws IOException {
        if (requestedSmtpPort != 0) {
            Ports.requireFree(requestedSmtpPort, "mail catcher SMTP");
        }
        ServerSetup setup = new ServerSetup(requestedSmtpPort, SMTP_HOST, ServerSetup.PROTOCOL_SMTP);
        if (requestedSmtpPort == 0) {
            setup = setup.dynamicPort();
        }
        greenMail = new GreenMail(setup).withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();

        if (requestedHttpPort != 0) {
            Ports.requireFree(requestedHttpPort, "mail catcher HTTP");
        }
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedHttpPort), 0);
        http.createContext("/api/messages", this::handleApi);
        http.createContext("/", this::handlePage);
        httpExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mail-catcher-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(httpExecutor);
        http.start();
        LOG.log(Level.INFO, "Mail catcher: SMTP on {0}:{1,number,#}, HTTP on {2}", SMTP_HOST, smtpPort(), apiUrl());
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    /** Base URL of the HTTP view, ending in a slash. */
    public String apiUrl() {
        return "http://localhost:" + http.getAddress().getPort() + "/";
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.stop(0);
            httpExecutor.shutdownNow();
            http = null;
        }
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    private void handleApi(HttpExchange exchange) throws IOException {
        try {
            drain(exchange);
            if (!exchange.getRequestURI().getPath().matches("/api/messages/?")) {
                send(exchange, 404, "application/json", "{\"error\":\"not_found\"}");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> send(exchange, 200, "application/json", JSON.writeValueAsString(messagesJson()));
                case "DELETE" -> {
                    greenMail.purgeEmailFromAllMailboxes();
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> {
                    exchange.getResponseHeaders().add("Allow", "GET, DELETE");
                    send(exchange, 405, "application/json", "{\"error\":\"method_not_allowed\"}");
                }
            }
        } catch (MessagingException | FolderException | RuntimeException e) {
            LOG.log(Level.WARNING, "Mail catcher API failed", e);
            send(exchange, 500, "application/json", "{\"error\":\"server_error\"}");
        } finally {
            exchange.close();
        }
    }

    private void handlePage(HttpExchange exchange) throws IOException {
        try {
            drain(exchange);
            if (!"/".equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, "text/plain", "not found");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "GET");
                send(exchange, 405, "text/plain", "method not allowed");
                return;
            }
            send(exchange, 200, "text/html", page(messagesJson()));
        } catch (MessagingException | RuntimeException e) {
            LOG.log(Level.WARNING, "Mail catcher page failed", e);
            send(exchange, 500, "text/plain", "server error");
        } finally {
            exchange.close();
        }
    }

    /** Every caught message, oldest first; GreenMail keeps one copy per recipient mailbox. */
    ArrayNode messagesJson() throws MessagingException, IOException {
        ArrayNode list = JSON.createArrayNode();
        MimeMessage[] messages = greenMail.getReceivedMessages();
        for (int i = 0; i < messages.length; i++) {
            list.add(toJson(messages[i], i));
        }
        return list;
    }

    static ObjectNode toJson(MimeMessage message, int index) throws MessagingException, IOException {
        ObjectNode m = JSON.createObjectNode();
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

    private static String page(ArrayNode messages) {
        StringBuilder html = new StringBuilder(1024)
                .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Mail catcher</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left;")
                .append("vertical-align:top;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;margin:0}</style>")
                .append("</head><body><h1>Caught mail (").append(messages.size()).append(")</h1>")
                .append("<p>JSON: <a href=\"/api/messages\">/api/messages</a>; ")
                .append("<code>curl -X DELETE .../api/messages</code> empties it.</p>")
                .append("<table><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th><th>Text</th></tr>");
        for (int i = messages.size() - 1; i >= 0; i--) {
            var m = messages.get(i);
            html.append("<tr><td>").append(escape(m.path("date").asText(""))).append("</td><td>")
                    .append(escape(m.path("from").asText(""))).append("</td><td>");
            m.path("to").forEach(t -> html.append(escape(t.asText())).append("<br>"));
            html.append("</td><td>").append(escape(m.path("subject").asText(""))).append("</td><td><pre>")
                    .append(escape(m.path("text").asText(""))).append("</pre></td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
