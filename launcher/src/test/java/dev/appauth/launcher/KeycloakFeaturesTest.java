package dev.appauth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The options the bundle's admin-console tab needs are added without losing the user's own values. */
class KeycloakFeaturesTest {

    private static final String TAB = KeycloakArguments.CONSOLE_TAB_FEATURE;

    private static List<String> features(List<String> args, String env) {
        return KeycloakArguments.withListOption(args, "--features", env, TAB);
    }

    @Test
    void enablesTheConsoleTabFeature() {
        assertThat(features(List.of("start"), null)).containsExactly("start", "--features=declarative-ui");
    }

    @Test
    void keepsValuesGivenInTheArgumentsOrTheEnvironment() {
        assertThat(features(List.of("start", "--features=dpop"), "scim-api")).containsExactly("start", "--features=dpop,declarative-ui");
        assertThat(features(List.of("start", "--features", "dpop"), null)).containsExactly("start", "--features", "dpop,declarative-ui");
        // an argument overrides KC_FEATURES, so the environment's features are carried over
        assertThat(features(List.of("start"), "dpop")).containsExactly("start", "--features=dpop,declarative-ui");
        assertThat(features(List.of("--features=declarative-ui:v1"), null)).containsExactly("--features=declarative-ui:v1");
    }

    @Test
    void makesTheAllowedClientAttributeSearchable() {
        assertThat(KeycloakArguments.withListOption(List.of("start", "--spi-client--jpa--searchable-attributes=team"),
                KeycloakArguments.SEARCHABLE_ATTRIBUTES_OPTION, null, KeycloakArguments.ALLOWED_CLIENT_ATTRIBUTE))
                .containsExactly("start", "--spi-client--jpa--searchable-attributes=team,auth-api.allowed");
    }
}
