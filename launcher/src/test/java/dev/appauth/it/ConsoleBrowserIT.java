package dev.appauth.it;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Auth API tab in the real admin console: runs console-test/console-tab.mjs (see {@link BrowserScripts});
 * ConsoleTabIT covers the same behaviour through the admin REST API everywhere.
 */
@ExtendWith(KeycloakStackExtension.class)
class ConsoleBrowserIT {

    @Test
    void theAuthApiTabWorksInTheAdminConsole() throws Exception {
        BrowserScripts.run("console-tab.mjs", "console-screenshots", 3, Map.of());
    }
}
