package dev.appauth.keycloak.ratelimit;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits per endpoint and per key scope, written as {@code endpoint.scope=count/window} pairs
 * separated by commas, e.g. {@code login.ip=60/1m,login.account=30/10m,register.ip=off}.
 * {@code *} as endpoint applies to every endpoint; later entries win, so a realm's rules can
 * override the server's. Windows are {@code Ns}, {@code Nm} or {@code Nh}; {@code off} removes a limit.
 */
public final class RateLimitRules {

    /** What a bucket is keyed on. */
    public enum Scope {
        /** the client's IP address (as Keycloak resolved it, proxy headers included when configured) */
        IP,
        /** the account the request names (email or username), whether or not it exists */
        ACCOUNT
    }

    public record Limit(int count, Duration window) {
    }

    private static final String ANY = "*";

    /** Longer windows protect nothing more, and a huge one would overflow the stores' millisecond expiries. */
    static final Duration MAX_WINDOW = Duration.ofHours(24);

    private final Map<String, Optional<Limit>> rules;

    private RateLimitRules(Map<String, Optional<Limit>> rules) {
        this.rules = rules;
    }

    public static RateLimitRules none() {
        return new RateLimitRules(Map.of());
    }

    /** Parses a rule list; throws IllegalArgumentException naming the bad entry. */
    public static RateLimitRules parse(String spec) {
        return none().with(spec);
    }

    /** These rules, overridden by the entries of {@code spec} (null or blank: unchanged). */
    public RateLimitRules with(String spec) {
        if (spec == null || spec.isBlank()) {
            return this;
        }
        Map<String, Optional<Limit>> merged = new HashMap<>(rules);
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            int dot = trimmed.lastIndexOf('.', eq);
            if (eq < 0 || dot <= 0) {
                throw new IllegalArgumentException("rate limit entry '" + trimmed + "' is not endpoint.scope=count/window");
            }
            String endpoint = trimmed.substring(0, dot).trim();
            Scope scope = scope(trimmed.substring(dot + 1, eq).trim(), trimmed);
            Optional<Limit> limit = limit(trimmed.substring(eq + 1).trim(), trimmed);
            if (endpoint.equals(ANY)) {
                // a wildcard replaces every earlier rule of that scope
                merged.keySet().removeIf(key -> key.endsWith("." + scope.name()));
            }
            merged.put(endpoint + "." + scope.name(), limit);
        }
        return new RateLimitRules(Map.copyOf(merged));
    }

    /** The limit for an endpoint and scope, if there is one. */
    public Optional<Limit> limit(String endpoint, Scope scope) {
        Optional<Limit> specific = rules.get(endpoint + "." + scope.name());
        if (specific != null) {
            return specific;
        }
        return rules.getOrDefault(ANY + "." + scope.name(), Optional.empty());
    }

    private static Scope scope(String value, String entry) {
        return switch (value) {
            case "ip" -> Scope.IP;
            case "account" -> Scope.ACCOUNT;
            default -> throw new IllegalArgumentException("rate limit entry '" + entry + "': scope must be ip or account");
        };
    }

    private static Optional<Limit> limit(String value, String entry) {
        if (value.equals("off")) {
            return Optional.empty();
        }
        int slash = value.indexOf('/');
        try {
            if (slash < 0) {
                throw new IllegalArgumentException();
            }
            int count = Integer.parseInt(value.substring(0, slash));
            Duration window = window(value.substring(slash + 1));
            if (count < 1 || window.isZero() || window.isNegative() || window.compareTo(MAX_WINDOW) > 0) {
                throw new IllegalArgumentException();
            }
            return Optional.of(new Limit(count, window));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("rate limit entry '" + entry + "': expected count/window like 10/1m (a window of at most 24h), or off");
        }
    }

    private static Duration window(String value) {
        if (value.length() < 2) {
            throw new IllegalArgumentException();
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException();
        };
    }
}
