package dev.appauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class KeycloakFeaturesTest {

    private static final String TAB = KeycloakStack.CONSOLE_TAB_FEATURE;

    @Test
    void enablesTheConsoleTabFeature() {
        assertThat(KeycloakStack.withFeature(List.of("start"), null, TAB)).containsExactly("start", "--features=declarative-ui");
    }

    @Test
    void keepsFeaturesNamedInTheArgumentsOrTheEnvironment() {
        assertThat(KeycloakStack.withFeature(List.of("start", "--features=dpop"), "scim-api", TAB))
                .containsExactly("start", "--features=dpop,declarative-ui");
        assertThat(KeycloakStack.withFeature(List.of("start", "--features", "dpop"), null, TAB))
                .containsExactly("start", "--features", "dpop,declarative-ui");
        // a --features argument overrides KC_FEATURES, so the environment's features must be carried over
        assertThat(KeycloakStack.withFeature(List.of("start"), "dpop", TAB)).containsExactly("start", "--features=dpop,declarative-ui");
        assertThat(KeycloakStack.withFeature(List.of("--features=declarative-ui:v1"), null, TAB))
                .containsExactly("--features=declarative-ui:v1");
    }
}
