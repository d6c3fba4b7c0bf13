package dev.appauth.launcher;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions Maven filtered into app-auth-launcher.properties, for --version and the default Keycloak home. */
final class LauncherVersion implements CommandLine.IVersionProvider {

    private static final Properties BUILD = read();
    static final String KEYCLOAK = BUILD.getProperty("keycloak.version", "unknown");
    static final String LAUNCHER = BUILD.getProperty("launcher.version", "unknown");

    @Override
    public String[] getVersion() {
        return new String[] {"app-auth launcher " + LAUNCHER + " (Keycloak " + KEYCLOAK + ", Java "
                + Runtime.version() + ")"};
    }

    private static Properties read() {
        try (InputStream in = LauncherVersion.class.getResourceAsStream("/app-auth-launcher.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
