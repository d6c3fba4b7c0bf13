package dev.appauth.launcher;

import com.icegreen.greenmail.util.GreenMail;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local stack: PostgreSQL (embedded unless an external database is configured), a mail catcher
 * (unless an external SMTP server is configured) and Keycloak with the app-auth providers, started in
 * that order and stopped in reverse. Used by ./run.sh (through {@link Launcher}) and by the
 * integration tests.
 *
 * <p>Adding a backing service (e.g. Redis): implement {@link StackService}, start it in
 * {@link #startServices()} before Keycloak and expose what Keycloak needs through
 * {@link StackService#keycloakEnv()} or {@link StackService#keycloakArgs()}.
 */
public final class KeycloakStack implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KeycloakStack.class.getName());

    private final StackConfig config;
    /** Started services, most recent first: closing pops Keycloak before what it depends on. */
    private final Deque<StackService> started = new ConcurrentLinkedDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread shutdownHook;
    private PostgresService postgres;
    private MailCatcher mail;
    private RedisService redis;
    private KeycloakProcess keycloak;
    private Database database;
    private String smtpHost;
    private int smtpPort;
    private int httpPort;
    private int managementPort;

    private KeycloakStack(StackConfig config) {
        this.config = config;
    }

    /**
     * Starts everything and returns once Keycloak reports ready on /health/ready.
     *
     * @throws StackException when a service does not come up; whatever did start is stopped again
     */
    public static KeycloakStack start(StackConfig config) {
        KeycloakStack stack = new KeycloakStack(config);
        if (config.shutdownHook()) {
            // registered first, so that Ctrl-C during a slow start still stops what is running
            stack.shutdownHook = new Thread(stack::closeQuietly, "keycloak-stack-shutdown");
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        }
        try {
            stack.startServices();
            return stack;
        } catch (Exception e) {
            stack.closeQuietly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof StackException se ? se : new StackException(e.getMessage(), e);
        }
    }

    private void startServices() throws Exception {
        if (config.embeddedPostgres()) {
            postgres = start(new PostgresService(config.postgresDataDir(), config.postgresPort(),
                    config.postgresLogFile(), config.postgresDurable(), config.postgresPasswordFile()));
            database = postgres.database();
        } else {
            database = new Database(config.externalJdbcUrl(), config.externalDbUsername(), config.externalDbPassword());
        }

        if (config.mailCatcher()) {
            mail = start(new MailCatcher(config.bindAddress(), config.mailSmtpPort(), config.mailHttpPort()));
            smtpHost = mail.smtpHost();
            smtpPort = mail.smtpPort();
        } else {
            smtpHost = config.smtpHost();
            smtpPort = config.smtpPort();
        }

        if (config.redisMode() == StackConfig.RedisMode.EMBEDDED) {
            redis = start(new RedisService(config.bindAddress(), config.redisPort(), config.redisKeyPrefix()));
        }

        httpPort = Ports.resolve(config.httpPort());
        managementPort = Ports.resolve(config.managementPort());
        if (config.httpPort() != 0) {
            Ports.requireFree(httpPort, "Keycloak HTTP");
        }
        if (config.managementPort() != 0) {
            Ports.requireFree(managementPort, "Keycloak management");
        }
        KeycloakArguments keycloakArguments = new KeycloakArguments(config,
                new KeycloakArguments.Endpoints(baseUrl(), httpPort, managementPort, database, smtpHost, smtpPort), started);
        keycloak = start(new KeycloakProcess(config.keycloakHome(), JavaHomes.resolve(config.javaHome()),
                keycloakArguments.args(), keycloakArguments.env(), config.inheritKeycloakEnv(), config.realmFiles(),
                config.keycloakLogFile(), config.bindAddress().localUrlHost(), managementPort, config.readyTimeout()));
    }

    private <S extends StackService> S start(S service) throws Exception {
        // pushed before it starts, so that close() from the shutdown hook also stops a service that is still starting
        started.push(service);
        if (closed.get()) {
            throw new StackException("The stack is shutting down; not starting " + service.name());
        }
        long t0 = System.nanoTime();
        try {
            service.start();
        } catch (Exception e) {
            throw new StackException("Could not start " + service.name() + ": " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "{0} started in {1,number,#} ms", service.name(), (System.nanoTime() - t0) / 1_000_000);
        return service;
    }

    /**
     * The public URL (Keycloak's --hostname, e.g. http://localhost:8080, no trailing slash): the issuer of
     * its tokens and the base of the links it mails. The tests reach Keycloak there too.
     */
    public String baseUrl() {
        return config.publicUrl() != null ? config.publicUrl() : "http://localhost:" + httpPort;
    }

    public BindAddress bindAddress() {
        return config.bindAddress();
    }

    public int httpPort() {
        return httpPort;
    }

    public int managementPort() {
        return managementPort;
    }

    /** e.g. http://localhost:8080/realms/app (no trailing slash). */
    public String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    /** The management interface (health, metrics), e.g. http://localhost:9000. */
    public String managementUrl() {
        return "http://" + config.bindAddress().displayHost() + ":" + managementPort;
    }

    public String adminUsername() {
        return config.adminUsername();
    }

    public String adminPassword() {
        return config.adminPassword();
    }

    /** The embedded PostgreSQL, or null when the database is external. */
    public PostgresService postgres() {
        return postgres;
    }

    /** The embedded Redis, or null when Redis is external or off. */
    public RedisService redis() {
        return redis;
    }

    /** The in-process SMTP server that catches Keycloak's mail; null when an external SMTP server is used. */
    public GreenMail greenMail() {
        return mail != null ? mail.greenMail() : null;
    }

    /** Base URL of the caught-mail HTTP view (ending in a slash); null when an external SMTP server is used. */
    public String mailApiUrl() {
        return mail != null ? mail.apiUrl() : null;
    }

    public String smtpHost() {
        return smtpHost;
    }

    public int smtpPort() {
        return smtpPort;
    }

    public Path keycloakHome() {
        return config.keycloakHome();
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    public String dbUsername() {
        return database.username();
    }

    /** The embedded cluster's directory; null with an external database. */
    public Path postgresDataDir() {
        return postgres != null ? postgres.dataDir() : null;
    }

    public StackConfig config() {
        return config;
    }

    /** Completes when the Keycloak process ends, whether stopped by {@link #close()} or on its own. */
    public CompletableFuture<Process> keycloakExit() {
        return keycloak.onExit();
    }

    /**
     * Kills Keycloak with SIGKILL (a crash: no shutdown hooks, nothing flushed), leaving the other services running;
     * {@link #restartKeycloak()} starts it again (tests).
     */
    public void killKeycloak() throws InterruptedException {
        keycloak.kill();
    }

    /**
     * Starts Keycloak again with the same arguments, database and ports after {@link #killKeycloak()}; returns once
     * it is ready. Its output is appended to the same log file.
     */
    public void restartKeycloak() throws Exception {
        if (closed.get()) {
            throw new StackException("The stack is closed; not restarting Keycloak");
        }
        keycloak.start();
    }

    /** True once {@link #close()} has begun, e.g. from the shutdown hook. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Stops Keycloak (gracefully, then by force after 30 s), then the other services in reverse start order. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
        // synchronized: a second caller (e.g. the launcher's hook beside this stack's) returns only when all is stopped
        synchronized (started) {
            closeServices();
        }
    }

    private void closeServices() {
        removeShutdownHook();
        // an interrupted caller must still get everything stopped; the flag is restored afterwards
        boolean interrupted = Thread.interrupted();
        try {
            StackService s;
            while ((s = started.poll()) != null) {
                long t0 = System.nanoTime();
                try {
                    s.close();
                    LOG.log(Level.INFO, "{0} stopped in {1,number,#} ms", s.name(), (System.nanoTime() - t0) / 1_000_000);
                } catch (InterruptedException e) {
                    interrupted = true;
                    LOG.log(Level.WARNING, "Interrupted while stopping " + s.name(), e);
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "Could not stop " + s.name(), e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not stop the stack", e);
        }
    }

    private void removeShutdownHook() {
        if (shutdownHook == null || Thread.currentThread() == shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the JVM is exiting and the hook runs or ran; close() is idempotent
        }
    }

    /** A service of the stack could not be started. */
    public static final class StackException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StackException(String message, Throwable cause) {
            super(message, cause);
        }

        public StackException(String message) {
            super(message);
        }
    }
}
