package dev.appauth.launcher;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.util.GreenMail;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import jakarta.mail.MessagingException;

import java.io.IOException;
import java.lang.System.Logger.Level;

import static dev.appauth.launcher.HttpReplies.drain;
import static dev.appauth.launcher.HttpReplies.send;

/** {@code GET /api/messages}: the caught mail as JSON ({@link MailJson}); {@code DELETE /api/messages} empties it. */
final class MailHttpApi implements HttpHandler {

    static final String PATH = "/api/messages";
    private static final System.Logger LOG = System.getLogger(MailHttpApi.class.getName());

    private final GreenMail greenMail;

    MailHttpApi(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            drain(exchange);
            if (!exchange.getRequestURI().getPath().matches(PATH + "/?")) {
                send(exchange, 404, "application/json", "{\"error\":\"not_found\"}");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> send(exchange, 200, "application/json",
                        MailJson.MAPPER.writeValueAsString(MailJson.messages(greenMail.getReceivedMessages())));
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
}
