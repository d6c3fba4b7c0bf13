package dev.appauth.launcher;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

/**
 * Redis as production runs it with Sentinel, on one machine: a master, one replica and one Sentinel (quorum 1) that
 * promotes the replica when the master stops answering, from the redis-server binary of embedded-redis. Keycloak is
 * given the Sentinel's address and the master's name, never a server's address, so the app-auth providers follow a
 * failover as they would in production. For the tests the master can be killed (SIGKILL) and brought back, after
 * which the Sentinel makes it a replica of the new master.
 */
public final class RedisSentinelService implements StackService {

    public static final String MASTER_NAME = "app-auth";
    /** The Sentinel's verdict "down" after this much silence; production keeps Redis' default of 30 s or a few s. */
    static final long DOWN_AFTER_MILLIS = 1000;
    static final long FAILOVER_TIMEOUT_MILLIS = 5000;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(RedisSentinelService.class.getName());

    private final BindAddress bind;
    private final int requestedPort;
    private final String keyPrefix;
    /** The two data servers by port; which one is master changes with each failover. */
    private final List<Server> servers = new ArrayList<>();
    private int sentinelPort;
    private RedisSentinel sentinel;

    private record Server(int port, RedisServer process) {
    }

    RedisSentinelService(BindAddress bind, int port, String keyPrefix) {
        this.bind = bind;
        this.requestedPort = port;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public String name() {
        return "Redis (master, replica, Sentinel)";
    }

    @Override
    public void start() throws IOException, InterruptedException {
        // ./run.sh: master, replica and Sentinel on three ports in a row; the tests: free ones
        int masterPort = Ports.resolve(requestedPort);
        int replicaPort = requestedPort != 0 ? requestedPort + 1 : Ports.resolve(0);
        sentinelPort = requestedPort != 0 ? requestedPort + 2 : Ports.resolve(0);
        if (requestedPort != 0) {
            Ports.requireFree(masterPort, "Redis master");
            Ports.requireFree(replicaPort, "Redis replica");
            Ports.requireFree(sentinelPort, "Redis Sentinel");
        }
        servers.add(new Server(masterPort, startServer(masterPort, null)));
        servers.add(new Server(replicaPort, startServer(replicaPort, masterPort)));
        sentinel = RedisSentinel.newRedisSentinel().bind(bind.host()).port(sentinelPort)
                .masterName(MASTER_NAME).masterPort(masterPort).quorumSize(1)
                .downAfterMilliseconds(DOWN_AFTER_MILLIS).failOverTimeout(FAILOVER_TIMEOUT_MILLIS).parallelSyncs(1)
                .build();
        sentinel.start();
        // a failover needs a replica the Sentinel knows of and that is in sync; both take a moment after start
        awaitSettled(masterPort, replicaPort);
    }

    private RedisServer startServer(int port, Integer masterPort) throws IOException {
        var builder = RedisServer.newRedisServer().port(port).bind(bind.host())
                .setting("save \"\"")
                .setting("appendonly no")
                // an evicted ".revoked" key would un-revoke a token: refuse writes instead of evicting
                .setting("maxmemory-policy noeviction");
        if (masterPort != null) {
            builder.slaveOf(bind.localHost(), masterPort);
        }
        RedisServer server = builder.build();
        server.start();
        return server;
    }

    /** Waits until the replica is in sync with the master and the Sentinel lists it. */
    private void awaitSettled(int masterPort, int replicaPort) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Jedis replica = client(replicaPort); Jedis watcher = client(sentinelPort)) {
                boolean linked = replica.info("replication").contains("master_link_status:up");
                boolean known = watcher.sentinelReplicas(MASTER_NAME).stream()
                        .anyMatch(r -> String.valueOf(replicaPort).equals(r.get("port")) && !r.get("flags").contains("down"));
                if (linked && known && currentMasterPort() == masterPort) {
                    return;
                }
            } catch (JedisException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Redis replica on port " + replicaPort + " did not sync with the master on "
                + masterPort + " and register with the Sentinel within " + SETTLE_TIMEOUT.toSeconds() + " s");
    }

    private Jedis client(int port) {
        return new Jedis(bind.localHost(), port, 2000);
    }

    @Override
    public List<String> keycloakArgs() {
        List<String> args = new ArrayList<>(RedisService.keycloakOptions(keyPrefix));
        for (String spi : List.of("--spi-single-use-object--redis--", "--spi-app-auth-rate-limit--redis--")) {
            args.add(spi + "sentinel-master=" + MASTER_NAME);
            args.add(spi + "sentinels=" + sentinelAddress());
        }
        // a spend or revocation returns once the replica has it too: the failover right after cannot lose it
        args.add("--spi-single-use-object--redis--replica-acks=1");
        return args;
    }

    @Override
    public Map<String, String> keycloakEnv() {
        return Map.of();
    }

    /** host:port of the Sentinel. */
    public String sentinelAddress() {
        return bind.localUrlHost() + ":" + sentinelPort;
    }

    /** The port of the server the Sentinel names as master now. */
    public int currentMasterPort() {
        try (Jedis watcher = client(sentinelPort)) {
            return Integer.parseInt(watcher.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    /** A direct connection to the current master, e.g. to look at keys (the caller closes it). */
    public Jedis master() {
        return client(currentMasterPort());
    }

    /**
     * Kills the current master with SIGKILL (no shutdown, no last sync to the replica), as a crash of its machine
     * would. Returns its port.
     */
    public int killMaster() throws IOException, InterruptedException {
        int port = currentMasterPort();
        long pid;
        try (Jedis master = client(port)) {
            pid = master.info("server").lines().filter(l -> l.startsWith("process_id:"))
                    .map(l -> Long.parseLong(l.substring("process_id:".length()).trim())).findFirst()
                    .orElseThrow(() -> new IOException("Redis on port " + port + " did not tell its process id"));
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent()) {
            process.get().destroyForcibly();
            process.get().onExit().join();
        }
        LOG.log(Level.INFO, "Killed the Redis master on port {0,number,#} (pid {1,number,#})", port, pid);
        return port;
    }

    /**
     * Waits until the Sentinel names a master other than the one on {@code oldMasterPort} and that master accepts
     * writes. Returns the new master's port.
     */
    public int awaitFailover(int oldMasterPort, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                int port = currentMasterPort();
                if (port != oldMasterPort) {
                    try (Jedis master = client(port)) {
                        if (master.info("replication").contains("role:master")) {
                            return port;
                        }
                    }
                }
            } catch (JedisException notYet) {
                // the Sentinel is busy with the failover
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("No Redis failover from port " + oldMasterPort + " within " + timeout.toSeconds() + " s");
    }

    /**
     * Starts the killed server again, empty, on its old port as a replica of the current master, and waits until it
     * is in sync and known to the Sentinel again: the next failover may then go back to it.
     */
    public void restart(int port) throws IOException, InterruptedException {
        int index = -1;
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).port() == port) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("no Redis server of this stack on port " + port);
        }
        servers.get(index).process().stop();
        int master = currentMasterPort();
        servers.set(index, new Server(port, startServer(port, master)));
        awaitSettled(master, port);
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        if (sentinel != null && sentinel.isActive()) {
            sentinel.stop();
        }
        for (Server s : servers) {
            try {
                if (s.process().isActive()) {
                    s.process().stop();
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
