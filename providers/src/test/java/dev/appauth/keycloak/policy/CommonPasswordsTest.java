package dev.appauth.keycloak.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;

import org.junit.jupiter.api.Test;

class CommonPasswordsTest {

    @Test
    void theBundledListIsInTheJarAndRefusesListedPasswordsWhateverTheirCase() {
        CommonPasswords list = CommonPasswords.bundled();
        assertThat(list.size()).isGreaterThan(20_000);
        assertThat(list.contains("password123")).isTrue();
        assertThat(list.contains("PassWord123")).isTrue();
        assertThat(list.contains("amber canyon lantern 58")).isFalse();
        assertThat(list.contains(null)).isFalse();
    }

    @Test
    void blankLinesAndSurroundingSpaceAreIgnored() {
        CommonPasswords list = CommonPasswords.of(new BufferedReader(new StringReader("  Secret1234 \n\n\nhunter2hunter2\n")));
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.contains("secret1234")).isTrue();
        assertThat(list.contains("")).isFalse();
    }

    @Test
    void theProviderAnswersKeycloaksOwnTranslatedMessage() {
        CommonPasswordPolicyProvider provider = new CommonPasswordPolicyProvider(CommonPasswords.bundled());
        assertThat(provider.validate("someone", "password123").getMessage()).isEqualTo("invalidPasswordBlacklistedMessage");
        assertThat(provider.validate("someone", "amber canyon lantern 58")).isNull();
    }
}
