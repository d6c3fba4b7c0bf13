package dev.appauth.launcher;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Catches every mail Keycloak sends: an in-process GreenMail SMTP server, plus a small HTTP server
 * with the JSON API ({@link MailHttpApi}) and an HTML list ({@link MailViewer}) for people using
 * ./run.sh. Tests read {@link #greenMail()} directly.
 */
final class MailCatcher implements StackService {

    private static final System.Logger LOG = System.getLogger(MailCatcher.class.getName());

    private final BindAddress bind;
    private final int requestedSmtpPort;
    private final int requestedHttpPort;
    private GreenMail greenMail;
    private HttpServer http;
    private ExecutorService httpExecutor;

    /** On 127.0.0.1; ports 0 are picked free. */
    MailCatcher(int smtpPort, int httpPort) {
        this(BindAddress.LOOPBACK, smtpPort, httpPort);
    }

    MailCatcher(BindAddress bind, int smtpPort, int httpPort) {
        this.bind = bind;
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
        ServerSetup setup = new ServerSetup(requestedSmtpPort, bind.host(), ServerSetup.PROTOCOL_SMTP);
        if (requestedSmtpPort == 0) {
            setup = setup.dynamicPort();
        }
        greenMail = new GreenMail(setup).withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();

        if (requestedHttpPort != 0) {
            Ports.requireFree(requestedHttpPort, "mail catcher HTTP");
        }
        http = HttpServer.create(new InetSocketAddress(bind.address(), requestedHttpPort), 0);
        http.createContext(MailHttpApi.PATH, new MailHttpApi(greenMail));
        http.createContext("/", new MailViewer(greenMail));
        httpExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mail-catcher-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(httpExecutor);
        http.start();
        LOG.log(Level.INFO, "Mail catcher: SMTP on {0}:{1,number,#}, HTTP on {0}:{2,number,#}",
                bind.host(), smtpPort(), httpPort());
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    /** Where Keycloak on this machine sends its mail. */
    public String smtpHost() {
        return bind.localHost();
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    /** Base URL of the HTTP view, ending in a slash. */
    public String apiUrl() {
        return "http://" + bind.displayHost() + ":" + httpPort() + "/";
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
