package dev.appauth.keycloak.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import redis.clients.jedis.UnifiedJedis;

/**
 * Base of the bundle's Redis-backed provider factories (id {@value #PROVIDER_ID}), so that their connection options,
 * startup check and server-info entries are the same everywhere. All options, the connection's and the provider's
 * own switches, are read once in {@link #init} and described in {@link #getConfigMetadata}; the pool is opened in
 * {@link #postInit} only when the provider is the one selected for its SPI, and then the server does not start
 * without a reachable Redis; present but unselected, the factory stays idle so that the jar can be deployed without
 * Redis.
 */
public abstract class RedisProviderFactory<T extends Provider> implements ProviderFactory<T>, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "redis";

    private static final Logger LOG = Logger.getLogger(RedisProviderFactory.class);

    private final Class<? extends Provider> providerType;
    private final String spi;
    private final String component;
    private final String clientName;
    private final List<ProviderConfigProperty> switches;
    private final Map<String, Boolean> switchValues = new LinkedHashMap<>();
    private RedisConfig config;
    private RedisAvailability availability;
    private UnifiedJedis client;

    /**
     * @param providerType the SPI's provider interface, to see whether this provider is selected
     * @param spi          the SPI's name, as in {@code --spi-<spi>--redis--<option>}
     * @param component    names the provider in log lines and errors, e.g. {@code rate limiter}
     * @param clientName   shown by {@code CLIENT LIST} on the server
     * @param switches     the provider's own options, made with {@link #switchOption}
     */
    protected RedisProviderFactory(Class<? extends Provider> providerType, String spi, String component, String clientName,
            ProviderConfigProperty... switches) {
        this.providerType = providerType;
        this.spi = spi;
        this.component = component;
        this.clientName = clientName;
        this.switches = List.of(switches);
    }

    /** A boolean option of the provider itself, read in {@link #init} and shown in the server info. */
    protected static ProviderConfigProperty switchOption(String name, boolean defaultValue, String helpText) {
        return ProviderConfigurationBuilder.create()
                .property().name(name).type(ProviderConfigProperty.BOOLEAN_TYPE).helpText(helpText).defaultValue(defaultValue).add()
                .build().get(0);
    }

    @Override
    public final void init(Config.Scope scope) {
        config = RedisConfig.from(scope);
        for (ProviderConfigProperty option : switches) {
            switchValues.put(option.getName(), scope.getBoolean(option.getName(), (Boolean) option.getDefaultValue()));
        }
    }

    @Override
    public final void postInit(KeycloakSessionFactory factory) {
        var selected = factory.getProviderFactory(providerType);
        if (selected == null || !PROVIDER_ID.equals(selected.getId())) {
            LOG.debugf("Redis %s present but not selected; not connecting", component);
            return;
        }
        RedisAvailability opening = new RedisAvailability(component, config.describeTarget());
        client = RedisClients.openVerified(config, clientName, "--spi-" + spi + "--" + PROVIDER_ID + "--");
        availability = opening;
        connected(factory, client, availability);
    }

    /** Called once Redis answered, in {@code postInit}: builds what {@code create} hands out. */
    protected abstract void connected(KeycloakSessionFactory factory, UnifiedJedis client, RedisAvailability availability);

    /** For {@code create}: a provider that was not selected has no connection to hand out. */
    protected void requireConnected() {
        if (client == null) {
            throw new IllegalStateException("The redis " + component + " is not connected; select it with --spi-" + spi
                    + "--provider=" + PROVIDER_ID);
        }
    }

    protected RedisConfig config() {
        return config;
    }

    /** The value of one of the provider's switches, as read in {@link #init}. */
    protected boolean switchValue(String name) {
        return switchValues.get(name);
    }

    /** Adds the provider's own counters to the server info, before whether Redis answers. */
    protected void addOperationalInfo(Map<String, String> info) {
    }

    @Override
    public final List<ProviderConfigProperty> getConfigMetadata() {
        List<ProviderConfigProperty> options = new ArrayList<>(RedisConfig.addConfigMetadata(ProviderConfigurationBuilder.create()).build());
        options.addAll(switches);
        return options;
    }

    @Override
    public final Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("target", config.describeTarget());
        info.put("keyPrefix", config.keyPrefix());
        switchValues.forEach((name, value) -> info.put(camelCase(name), value.toString()));
        addOperationalInfo(info);
        if (availability != null) {
            availability.addOperationalInfo(info);
        } else {
            info.put("connected", "false");
        }
        return info;
    }

    /** {@code persist-revoked-tokens} as {@code persistRevokedTokens}, like the other server-info keys. */
    private static String camelCase(String option) {
        StringBuilder key = new StringBuilder();
        for (String word : option.split("-")) {
            key.append(key.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return key.toString();
    }

    @Override
    public final String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
