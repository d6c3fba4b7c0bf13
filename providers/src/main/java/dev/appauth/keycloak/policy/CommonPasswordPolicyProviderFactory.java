package dev.appauth.keycloak.policy;

import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * Password policy {@value #ID} ("Not a common password" in Authentication → Policies): refuses the ~21,500 common
 * and breached passwords of the list shipped in this jar. Keycloak runs the realm's policy wherever a password is
 * set — /auth register, change and reset, the admin console, the account console, the registration and
 * update-password pages — so one rule holds everywhere. Unlike Keycloak's passwordBlacklist it needs no file on
 * each node, and it is exact (no Bloom-filter false positives).
 */
public final class CommonPasswordPolicyProviderFactory implements PasswordPolicyProviderFactory, ServerInfoAwareProviderFactory {

    public static final String ID = "commonPasswords";

    private static final Logger LOG = Logger.getLogger(CommonPasswordPolicyProviderFactory.class);

    private CommonPasswordPolicyProvider provider;
    private int size;

    @Override
    public void init(Config.Scope config) {
        CommonPasswords list = CommonPasswords.bundled();
        size = list.size();
        provider = new CommonPasswordPolicyProvider(list);
        LOG.debugf("Password policy %s: %d common passwords", ID, size);
    }

    @Override
    public PasswordPolicyProvider create(KeycloakSession session) {
        return provider;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayName() {
        return "Not a common password";
    }

    @Override
    public String getConfigType() {
        return null;
    }

    @Override
    public String getDefaultConfigValue() {
        return null;
    }

    @Override
    public boolean isMultiplSupported() {
        return false;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("entries", Integer.toString(size));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
