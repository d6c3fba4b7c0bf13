package dev.appauth.keycloak.redis;

import java.util.Map;
import java.util.Set;

import org.keycloak.Config;

/** A {@link Config.Scope} over a map, keyed like Keycloak's options after {@code --spi-<spi>--<provider>--}. */
public final class MapScope extends Config.AbstractScope {

    private final Map<String, String> values;

    public MapScope(Map<String, String> values) {
        this.values = values;
    }

    @Override
    public String get(String key) {
        return values.get(key);
    }

    @Override
    public Config.Scope scope(String... scope) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public Config.Scope root() {
        return new MapScope(Map.of());
    }
}
