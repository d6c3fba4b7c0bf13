package dev.appauth.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.icegreen.greenmail.util.GreenMail;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import jakarta.mail.MessagingException;

import java.io.IOException;
import java.lang.System.Logger.Level;

import static dev.appauth.launcher.HttpReplies.drain;
import static dev.appauth.launcher.HttpReplies.send;

/** {@code GET /}: the caught mail as an HTML table, newest first, for people using ./run.sh. */
final class MailViewer implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(MailViewer.class.getName());

    private final GreenMail greenMail;

    MailViewer(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
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
            send(exchange, 200, "text/html", page(MailJson.messages(greenMail.getReceivedMessages())));
        } catch (MessagingException | RuntimeException e) {
            LOG.log(Level.WARNING, "Mail catcher page failed", e);
            send(exchange, 500, "text/plain", "server error");
        } finally {
            exchange.close();
        }
    }

    /** The page for messages in {@link MailJson}'s shape; every value is HTML-escaped. */
    static String page(ArrayNode messages) {
        StringBuilder html = new StringBuilder(1024)
                .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Mail catcher</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left;")
                .append("vertical-align:top;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;margin:0}</style>")
                .append("</head><body><h1>Caught mail (").append(messages.size()).append(")</h1>")
                .append("<p>JSON: <a href=\"").append(MailHttpApi.PATH).append("\">").append(MailHttpApi.PATH)
                .append("</a>; <code>curl -X DELETE .../api/messages</code> empties it.</p>")
                .append("<table><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th><th>Text</th></tr>");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
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
}
