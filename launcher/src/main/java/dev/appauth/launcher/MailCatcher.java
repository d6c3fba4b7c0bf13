package dev.appauth.launcher;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Catches every mail Keycloak sends: an in-process GreenMail SMTP server, plus a small HTTP server
 * with the JSON API ({@link MailHttpApi}) and an HTML list ({@link MailViewer}) for people using
 * ./run.sh. Tests read {@link #greenMail()} directly.
 */
final class MailCatcher implements StackService {

    static final String SMTP_HOST = "127.0.0.1";

    private static final System.Logger LOG = System.getLogger(MailCatcher.class.getName());

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
        http.createContext(MailHttpApi.PATH, new MailHttpApi(greenMail));
        http.createContext("/", new MailViewer(greenMail));
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
}
