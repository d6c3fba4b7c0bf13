package dev.appauth.keycloak.redis;

import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs Redis commands for one provider, turns every client failure into {@link RedisUnavailableException},
 * counts failures and logs one WARN per outage (and one INFO when Redis answers again) instead of one per request.
 * Log lines name the component and the target, never keys or credentials.
 */
public final class RedisAvailability {

    private static final Logger LOG = Logger.getLogger(RedisAvailability.class);

    private final String component;
    private final String target;
    private final AtomicBoolean down = new AtomicBoolean();
    private final LongAdder failures = new LongAdder();
    private final LongAdder outages = new LongAdder();

    public RedisAvailability(String component, String target) {
        this.component = component;
        this.target = target;
    }

    /**
     * Runs a command, retried once on a broken connection: a Redis restart or failover leaves dead connections in
     * the pool, and the first command on each would otherwise fail a request that Redis could serve. The retry is
     * safe for every command of the bundle, SET NX and GETDEL included: a broken connection means the command did
     * not run, or ran and its reply was lost — and then the retry answers as the caller's own retry after a 503
     * would ("already spent", so it fails closed). A timeout is not retried, so a hung Redis costs one timeout.
     */
    public <T> T call(Supplier<T> command) {
        try {
            return succeeded(command.get());
        } catch (JedisConnectionException first) {
            if (first.getCause() instanceof SocketTimeoutException) {
                throw failed(first);
            }
            LOG.debugf("%s: retrying once after a broken connection", component);
            try {
                return succeeded(command.get());
            } catch (JedisException e) {
                throw failed(e);
            }
        } catch (JedisException e) {
            throw failed(e);
        }
    }

    /** Records a failure seen outside {@link #call}, and returns the exception to throw. */
    public RedisUnavailableException failed(RuntimeException cause) {
        failures.increment();
        if (down.compareAndSet(false, true)) {
            outages.increment();
            LOG.warnf("%s: Redis at %s is unavailable (%s: %s); operations that need it fail until it answers again",
                    component, target, cause.getClass().getSimpleName(), cause.getMessage());
        } else {
            LOG.debugf("%s: Redis still unavailable (%s)", component, cause.getClass().getSimpleName());
        }
        return new RedisUnavailableException(cause);
    }

    private <T> T succeeded(T result) {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.infof("%s: Redis at %s answers again (%d failed operations so far)", component, target, failures.sum());
        }
        return result;
    }

    /** Adds this connection's state to a factory's operational info (shown in the admin console's server info). */
    public void addOperationalInfo(java.util.Map<String, String> info) {
        info.put("available", Boolean.toString(!isDown()));
        info.put("failedOperations", Long.toString(failures()));
        info.put("outages", Long.toString(outages()));
    }

    public boolean isDown() {
        return down.get();
    }

    /** Failed operations since start. */
    public long failures() {
        return failures.sum();
    }

    /** Outages (transitions from answering to failing) since start. */
    public long outages() {
        return outages.sum();
    }

    public String target() {
        return target;
    }
}
