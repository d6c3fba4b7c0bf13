package dev.appauth.launcher;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import redis.embedded.RedisServer;

/**
 * An embedded Redis (the redis-server binary shipped in com.github.codemonstur:embedded-redis, run
 * as a child process) and the Keycloak options that select the app-auth Redis providers for the
 * single-use-object store and the rate limiter. Nothing is persisted: revoked tokens are reloaded
 * from Keycloak's database by the provider, everything else in it is short-lived.
 */
public final class RedisService implements StackService {

    /** The options that make Keycloak use the app-auth Redis providers. */
    static List<String> keycloakOptions(String keyPrefix) {
        return List.of(
                "--spi-single-use-object--provider=redis",
                "--spi-single-use-object--redis--key-prefix=" + keyPrefix,
                "--spi-app-auth-rate-limit--provider=redis",
                "--spi-app-auth-rate-limit--redis--key-prefix=" + keyPrefix);
    }

    /** The Redis URL goes through the environment: it may carry a password, which must not show in ps. */
    static Map<String, String> keycloakEnv(String url) {
        return Map.of(
                "KC_SPI_SINGLE_USE_OBJECT__REDIS__URL", url,
                "KC_SPI_APP_AUTH_RATE_LIMIT__REDIS__URL", url);
    }

    private final BindAddress bind;
    private final int requestedPort;
    private final String keyPrefix;
    private int port;
    private RedisServer server;

    RedisService(BindAddress bind, int port, String keyPrefix) {
        this.bind = bind;
        this.requestedPort = port;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public String name() {
        return "Redis";
    }

    @Override
    public void start() throws IOException {
        port = Ports.resolve(requestedPort);
        if (requestedPort != 0) {
            Ports.requireFree(port, "Redis");
        }
        startServer();
    }

    private void startServer() throws IOException {
        server = RedisServer.newRedisServer()
                .port(port)
                .bind(bind.host())
                .setting("save \"\"")
                .setting("appendonly no")
                // an evicted ".revoked" key would un-revoke a token: refuse writes instead of evicting
                .setting("maxmemory-policy noeviction")
                .build();
        server.start();
    }

    @Override
    public List<String> keycloakArgs() {
        return keycloakOptions(keyPrefix);
    }

    @Override
    public Map<String, String> keycloakEnv() {
        return keycloakEnv(url());
    }

    public String url() {
        return "redis://" + bind.localUrlHost() + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the server, as an outage would (tests). */
    public void stop() throws IOException {
        if (server != null && server.isActive()) {
            server.stop();
        }
    }

    /** Starts it again on the same port, empty, as after a crash without persistence (tests). */
    public void restart() throws IOException {
        stop();
        startServer();
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
