package dev.appauth.it;

import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keycloak's own pages under the bundle's policies, in a real browser: runs console-test/login-flow.mjs (see
 * {@link BrowserScripts}) — a user registered through /auth signs in for the confidential example client with code
 * + PKCE, the code is exchanged and userinfo answers; a logout through /auth (scope all) ends the browser's SSO
 * session (prompt=none then answers login_required); the login page shows the rate-limit message; the registration
 * page refuses a listed password; the flow editor shows the bundle's authenticators. Screenshots in
 * target/login-screenshots. LoginPolicyIT checks the same rules over plain HTTP.
 */
@ExtendWith(KeycloakStackExtension.class)
class LoginFlowBrowserIT {

    @Test
    void keycloaksLoginPagesApplyTheBundlesPolicies() throws Exception {
        int callbackPort;
        try (ServerSocket free = new ServerSocket(0)) {
            callbackPort = free.getLocalPort();
        }
        BrowserScripts.run("login-flow.mjs", "login-screenshots", 4, Map.of("CALLBACK_PORT", Integer.toString(callbackPort)));
    }
}
