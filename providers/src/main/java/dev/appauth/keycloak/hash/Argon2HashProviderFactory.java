package dev.appauth.keycloak.hash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.Profile;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.credential.hash.PasswordHashProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * Replaces Keycloak's {@code argon2} password hashing provider with one that computes the same hashes with
 * libargon2. It keeps the id {@code argon2}, so every credential Keycloak wrote verifies with it, every one it
 * writes verifies on a Keycloak without this bundle, and realms need no policy change. Keycloak keeps one factory
 * per id: the higher {@link #order()} wins (ProviderManager.compareFactories), Keycloak's own has 300.
 */
public class Argon2HashProviderFactory implements PasswordHashProviderFactory, EnvironmentDependentProviderFactory,
        ServerInfoAwareProviderFactory {

    public static final String ID = "argon2";
    static final String METRIC_PREFIX = "app_auth_password_hash";

    private static final Logger LOG = Logger.getLogger(Argon2HashProviderFactory.class);

    private Argon2Config config;
    private Argon2Hasher hasher;
    private Argon2HashProvider provider;
    private final List<Meter> meters = new ArrayList<>();

    @Override
    public PasswordHashProvider create(KeycloakSession session) {
        return provider;
    }

    @Override
    public void init(Config.Scope scope) {
        config = Argon2Config.from(scope);
        hasher = new Argon2Hasher(engine(config.implementation()), config.maxConcurrent());
        provider = new Argon2HashProvider(config.spec(), hasher);
        Argon2Spec s = config.spec();
        LOG.infof("app-auth argon2: hashing with %s, argon2%s %s, %d KiB, %d iterations, parallelism %d, at most %d at once",
                hasher.engine().description(), s.type(), s.version(), s.memory(), s.iterations(), s.parallelism(),
                config.maxConcurrent());
    }

    /** The engine the option asks for; {@code auto} falls back to BouncyCastle with one WARN line. */
    static Argon2Engine engine(Argon2Config.Implementation implementation) {
        JavaArgon2Engine java = new JavaArgon2Engine();
        if (implementation == Argon2Config.Implementation.JAVA) {
            return java;
        }
        try {
            return NativeArgon2Engine.load(java);
        } catch (LinkageError | RuntimeException e) {
            // LinkageError: no libargon2 for this OS/CPU, a libc it cannot link against, or no writable temp
            // directory for JNA to unpack it into; RuntimeException: it loaded but computed something else
            if (implementation == Argon2Config.Implementation.NATIVE) {
                throw new IllegalStateException("app-auth argon2: implementation=native but libargon2 cannot be used: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            LOG.warnf("app-auth argon2: native libargon2 unavailable (%s: %s); hashing with Keycloak's Java implementation"
                    + " (BouncyCastle), about 3 times slower per login", e.getClass().getSimpleName(), e.getMessage());
            return java;
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        registerMeters(Metrics.globalRegistry);
    }

    /** Which implementation is active, and the hashing queue, at Keycloak's /metrics (when metrics are enabled). */
    void registerMeters(MeterRegistry registry) {
        Argon2Hasher h = hasher;
        meters.add(Gauge.builder(METRIC_PREFIX + "_implementation", () -> 1)
                .description("1 for the argon2 implementation hashing passwords (label implementation: native or java)")
                .tag("implementation", h.engine().name()).strongReference(true).register(registry));
        meters.add(Gauge.builder(METRIC_PREFIX + "_running", h, Argon2Hasher::running)
                .description("password hashes being computed").strongReference(true).register(registry));
        meters.add(Gauge.builder(METRIC_PREFIX + "_waiting", h, Argon2Hasher::waiting)
                .description("password hashes waiting for one of the cpuCores slots").strongReference(true).register(registry));
        meters.add(FunctionCounter.builder(METRIC_PREFIX + "_computed", h, Argon2Hasher::hashes)
                .description("password hashes computed").register(registry));
    }

    @Override
    public void close() {
        for (Meter meter : meters) {
            Metrics.globalRegistry.remove(meter);
        }
        meters.clear();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public int order() {
        return 301;
    }

    /** As Keycloak's argon2: BouncyCastle's argon2 is not available in FIPS mode (bc-fips). */
    @Override
    public boolean isSupported(Config.Scope scope) {
        return !Profile.isFeatureEnabled(Profile.Feature.FIPS);
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = hasher.info();
        info.put("parameters", config.spec().toString());
        if (hasher.engine() instanceof NativeArgon2Engine nativeEngine) {
            info.put("nativeMemoryBlocks", Integer.toString(nativeEngine.pooledBlocks()));
        }
        return info;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        Argon2Spec d = Argon2Spec.KEYCLOAK_DEFAULT;
        return ProviderConfigurationBuilder.create()
                .property().name(Argon2Config.IMPLEMENTATION).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("auto: libargon2 where it loads, else Keycloak's Java implementation with a warning; native: fail"
                        + " startup without libargon2; java: always Keycloak's Java implementation (BouncyCastle).")
                .options("auto", "native", "java").defaultValue("auto").add()
                .property().name(Argon2Config.VERSION).type(ProviderConfigProperty.STRING_TYPE).helpText("Version")
                .options("1.3", "1.0").defaultValue(d.version()).add()
                .property().name(Argon2Config.TYPE).type(ProviderConfigProperty.STRING_TYPE).helpText("Type")
                .options("id", "d", "i").defaultValue(d.type()).add()
                .property().name(Argon2Config.HASH_LENGTH).type(ProviderConfigProperty.INTEGER_TYPE).helpText("Hash length")
                .defaultValue(d.hashLength()).add()
                .property().name(Argon2Config.MEMORY).type(ProviderConfigProperty.INTEGER_TYPE).helpText("Memory size (KB)")
                .defaultValue(d.memory()).add()
                .property().name(Argon2Config.ITERATIONS).type(ProviderConfigProperty.INTEGER_TYPE).helpText("Iterations")
                .defaultValue(d.iterations()).add()
                .property().name(Argon2Config.PARALLELISM).type(ProviderConfigProperty.INTEGER_TYPE).helpText("Parallelism")
                .defaultValue(d.parallelism()).add()
                .property().name(Argon2Config.CPU_CORES).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Hashes computed at once (each holds 'memory' KiB); default: the cores the JVM sees").add()
                .build();
    }
}
