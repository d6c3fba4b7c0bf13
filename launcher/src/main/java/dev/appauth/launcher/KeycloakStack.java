package dev.appauth.launcher;

import com.icegreen.greenmail.util.GreenMail;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local stack: PostgreSQL (embedded unless an external database is configured), a mail catcher
 * (unless an external SMTP server is configured) and Keycloak with the app-auth providers, started in
 * that order and stopped in reverse. Used by ./run.sh (through {@link Launcher}) and by the
 * integration tests. With {@link StackConfig#nodes()} above 1 it starts that many Keycloak nodes, one after the
 * other, as one cluster on the same database and Redis; the tests can kill a node and start it again.
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
    private RedisSentinelService redisSentinel;
    private volatile KeycloakProcess keycloak;
    /** The Keycloak nodes, node 1 first; {@link #keycloak} is node 1's process as started. */
    private final List<KeycloakNode> nodes = new ArrayList<>();
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

        if (config.redisMode() == StackConfig.RedisMode.EMBEDDED && config.redisSentinel()) {
            redisSentinel = start(new RedisSentinelService(config.bindAddress(), config.redisPort(), config.redisKeyPrefix()));
        } else if (config.redisMode() == StackConfig.RedisMode.EMBEDDED) {
            redis = start(new RedisService(config.bindAddress(), config.redisPort(), config.redisKeyPrefix()));
        }

        // the services' contributions are fixed now: every node gets the same ones, Keycloak's own processes excluded
        List<StackService> services = List.copyOf(started);
        for (int i = 1; i <= config.nodes(); i++) {
            KeycloakNode node = node(i, services);
            nodes.add(node);
            // one after the other: the first start of a changed configuration re-augments the shared distribution,
            // which the next node then reuses instead of rewriting it while the first one reads it
            KeycloakProcess process = start(node.newProcess());
            if (i == 1) {
                keycloak = process;
                httpPort = node.httpPort();
                managementPort = node.managementPort();
            }
        }
    }

    private KeycloakNode node(int index, List<StackService> services) {
        int http = nodePort(config.httpPort(), index, "Keycloak HTTP");
        int management = nodePort(config.managementPort(), index, "Keycloak management");
        int jgroups = config.clustered() ? nodePort(config.jgroupsPort(), index, "Keycloak JGroups") : 0;
        if (index == 1) {
            // the public URL (node 1's address unless configured) is known once node 1's port is
            httpPort = http;
        }
        String publicUrl = baseUrl();
        return new KeycloakNode(index, http, management, jgroups, KeycloakNode.logFile(config.keycloakLogFile(), index), n -> {
            KeycloakArguments arguments = new KeycloakArguments(config, new KeycloakArguments.Endpoints(publicUrl,
                    n.httpPort(), n.managementPort(), database, smtpHost, smtpPort, n.jgroupsPort()), services);
            return new KeycloakProcess(config.keycloakHome(), JavaHomes.resolve(config.javaHome()), arguments.args(),
                    arguments.env(), config.inheritKeycloakEnv(), config.realmFiles(), n.logFile(),
                    config.bindAddress().localUrlHost(), n.managementPort(), config.readyTimeout());
        });
    }

    /** Node i's port: the configured one + i - 1, or a free one when 0. */
    private static int nodePort(int configured, int index, String what) {
        if (configured == 0) {
            return Ports.resolve(0);
        }
        int port = configured + index - 1;
        if (port > 65535) {
            throw new StackException("No port " + port + " for " + what + " of node " + index);
        }
        Ports.requireFree(port, what + (index > 1 ? " of node " + index : ""));
        return port;
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

    /** How many Keycloak nodes the stack runs (see {@link StackConfig#nodes()}). */
    public int nodeCount() {
        return nodes.size();
    }

    /** Node i's own address (1-based), e.g. http://localhost:8081: where a load balancer would send requests. */
    public String nodeUrl(int node) {
        return "http://" + config.bindAddress().displayHost() + ":" + node(node).httpPort();
    }

    public int nodeHttpPort(int node) {
        return node(node).httpPort();
    }

    /** Node i's management interface (health, metrics). */
    public String nodeManagementUrl(int node) {
        return "http://" + config.bindAddress().displayHost() + ":" + node(node).managementPort();
    }

    /** Node i's JGroups (cluster transport) port; 0 for a single node. */
    public int nodeJgroupsPort(int node) {
        return node(node).jgroupsPort();
    }

    /** Node i's Keycloak log; null when its output is inherited. */
    public Path nodeLogFile(int node) {
        return node(node).logFile();
    }

    /** Whether node i's server process runs. */
    public boolean nodeAlive(int node) {
        KeycloakProcess p = node(node).process();
        return p != null && p.isAlive();
    }

    /** Kills node i as a crash would (SIGKILL, no graceful leave of the cluster); returns once it is gone (tests). */
    public void killNode(int node) throws InterruptedException {
        KeycloakProcess p = node(node).process();
        if (p != null) {
            p.kill();
            started.remove(p);
        }
    }

    /**
     * Starts node i again after {@link #killNode}, with the same command line and ports; returns once it is ready,
     * i.e. has rejoined the cluster and answers /health/ready.
     */
    public void startNode(int node) throws Exception {
        KeycloakNode n = node(node);
        if (n.process() != null && n.process().isAlive()) {
            throw new IllegalStateException("Keycloak node " + node + " is running");
        }
        KeycloakProcess process = start(n.newProcess());
        if (node == 1) {
            keycloak = process;
        }
    }

    /** Completes when any node's current process ends (./run.sh stops the stack then). */
    public CompletableFuture<Process> anyNodeExit() {
        CompletableFuture<Process> any = new CompletableFuture<>();
        for (KeycloakNode n : nodes) {
            n.process().onExit().thenAccept(any::complete);
        }
        return any;
    }

    /** The embedded Sentinel setup (master, replica, Sentinel), or null when Redis is a single server, external or off. */
    public RedisSentinelService redisSentinel() {
        return redisSentinel;
    }

    private KeycloakNode node(int node) {
        if (node < 1 || node > nodes.size()) {
            throw new IllegalArgumentException("no Keycloak node " + node + " (the stack runs " + nodes.size() + ")");
        }
        return nodes.get(node - 1);
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
