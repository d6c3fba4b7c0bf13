package dev.appauth.keycloak.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReauthenticationTest {

    private static final long NOW = 1_800_000_000L;

    @Test
    void aLoginWithinTheWindowIsRecent() {
        assertThat(Reauthentication.isRecent(NOW, NOW, 300)).isTrue();
        assertThat(Reauthentication.isRecent(NOW - 300, NOW, 300)).isTrue();
        // a clock a little ahead on the node that issued the token
        assertThat(Reauthentication.isRecent(NOW + 2, NOW, 300)).isTrue();
    }

    @Test
    void anOlderUnknownOrFutureLoginIsNot() {
        assertThat(Reauthentication.isRecent(NOW - 301, NOW, 300)).isFalse();
        assertThat(Reauthentication.isRecent(null, NOW, 300)).isFalse();
        assertThat(Reauthentication.isRecent(NOW + 3600, NOW, 300)).isFalse();
    }
}
