package dev.appauth.keycloak.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.embedded.RedisServer;

/**
 * A real redis-server (shipped inside embedded-redis) on a free loopback port, without persistence, so that a
 * restart starts empty, as a Redis without AOF/RDB would after a crash.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final int port;
    private RedisServer server;

    private EmbeddedRedis(int port) {
        this.port = port;
    }

    public static EmbeddedRedis start() {
        EmbeddedRedis redis = new EmbeddedRedis(freePort());
        redis.startServer();
        return redis;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public RedisConfig config(String keyPrefix) {
        return RedisConfig.parse(option -> switch (option) {
            case RedisConfig.URL -> url();
            case RedisConfig.KEY_PREFIX -> keyPrefix;
            case RedisConfig.CONNECT_TIMEOUT_MS, RedisConfig.SOCKET_TIMEOUT_MS -> "500";
            default -> null;
        });
    }

    /** A plain client for looking at keys from outside the code under test. */
    public UnifiedJedis rawClient() {
        return RedisClient.create("127.0.0.1", port);
    }

    public void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts again on the same port, empty. */
    public void restart() {
        startServer();
    }

    private void startServer() {
        try {
            server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (server != null && server.isActive()) {
            stop();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
