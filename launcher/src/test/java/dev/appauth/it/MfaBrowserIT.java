package dev.appauth.it;

import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One second factor on every login path, in a real browser: runs console-test/mfa-flow.mjs (see {@link BrowserScripts})
 * — a TOTP factor enrolled through /auth is asked for by Keycloak's login page and its code and recovery codes work
 * there; a factor configured on Keycloak's own OTP page is asked for by /auth/login and accepted by /auth/login/mfa.
 * Screenshots in target/mfa-screenshots. MfaIT covers the API over plain HTTP.
 */
@ExtendWith(KeycloakStackExtension.class)
class MfaBrowserIT {

    @Test
    void aFactorEnrolledAnywhereIsAskedForEverywhere() throws Exception {
        int callbackPort;
        try (ServerSocket free = new ServerSocket(0)) {
            callbackPort = free.getLocalPort();
        }
        BrowserScripts.run("mfa-flow.mjs", "mfa-screenshots", 4, Map.of("CALLBACK_PORT", Integer.toString(callbackPort)));
    }
}
