package dev.appauth.keycloak;

import java.sql.SQLException;

/**
 * How the bundle talks about failures: which ones mean "a dependency is down, retry later" (503),
 * and how to name a failure in a log line without its messages, which may carry addresses or tokens.
 */
public final class Failures {

    private Failures() {
    }

    /** Database, Redis or another dependency unreachable anywhere in the cause chain: the caller may retry, nothing was recorded. */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException sql && isUnavailableState(sql.getSQLState())) {
                return true;
            }
            if (t instanceof DependencyUnavailableException) {
                return true;
            }
            String name = t.getClass().getSimpleName();
            if (name.equals("JDBCConnectionException") || name.equals("CannotAcquireLockException")) {
                return true;
            }
        }
        return false;
    }

    /** Exception classes and SQL states of a cause chain: enough to diagnose, without messages that may carry data. */
    public static String describe(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null && chain.length() < 1000; t = next(t)) {
            if (chain.length() > 0) {
                chain.append(" <- ");
            }
            chain.append(t.getClass().getName());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                chain.append(" [SQLState ").append(sql.getSQLState()).append(']');
            }
        }
        return chain.toString();
    }

    /**
     * SQL states that mean "the database is not there right now", not "this request is wrong":
     * connection exceptions (08), insufficient resources (53), operator intervention such as a
     * shutdown or restart (57P), and driver errors without a state (pool acquisition timeouts).
     */
    private static boolean isUnavailableState(String state) {
        return state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P");
    }

    private static Throwable next(Throwable t) {
        return t.getCause() == t ? null : t.getCause();
    }
}
