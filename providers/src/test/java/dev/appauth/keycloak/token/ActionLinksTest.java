package dev.appauth.keycloak.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActionLinksTest {

    @Test
    void appLinkAddsTokenAndTypeToThePagesQuery() {
        assertThat(ActionLinks.appLink("https://app.example.com/auth/action", "a.b.c", ActionTokenKind.RESET_PASSWORD))
                .isEqualTo("https://app.example.com/auth/action?token=a.b.c&type=reset-password");
        assertThat(ActionLinks.appLink("https://app.example.com/a?lang=de", "a.b.c", ActionTokenKind.VERIFY_EMAIL))
                .isEqualTo("https://app.example.com/a?lang=de&token=a.b.c&type=verify-email");
        assertThat(ActionLinks.appLink("https://app.example.com/a?", "t", ActionTokenKind.VERIFY_EMAIL))
                .isEqualTo("https://app.example.com/a?token=t&type=verify-email");
    }

    @Test
    void appLinkKeepsAFragmentAtTheEnd() {
        assertThat(ActionLinks.appLink("https://app.example.com/#/auth", "t", ActionTokenKind.RESET_PASSWORD))
                .isEqualTo("https://app.example.com/?token=t&type=reset-password#/auth");
    }

    @Test
    void tokenIsUrlEncoded() {
        assertThat(ActionLinks.appLink("https://app.example.com/a", "x+y/z=&", ActionTokenKind.RESET_PASSWORD))
                .isEqualTo("https://app.example.com/a?token=x%2By%2Fz%3D%26&type=reset-password");
    }

    @Test
    void onlyAbsoluteHttpUrlsWithAHostAreUsable() {
        assertThat(ActionLinks.isUsableActionUrl("https://app.example.com/auth/action")).isTrue();
        assertThat(ActionLinks.isUsableActionUrl("http://localhost:3000/reset")).isTrue();
        assertThat(ActionLinks.isUsableActionUrl(" https://app.example.com ")).isTrue();
        assertThat(ActionLinks.isUsableActionUrl(null)).isFalse();
        assertThat(ActionLinks.isUsableActionUrl("")).isFalse();
        assertThat(ActionLinks.isUsableActionUrl("/relative/page")).isFalse();
        assertThat(ActionLinks.isUsableActionUrl("javascript:alert(1)")).isFalse();
        assertThat(ActionLinks.isUsableActionUrl("ftp://files.example.com/x")).isFalse();
        assertThat(ActionLinks.isUsableActionUrl("https:///no-host")).isFalse();
        assertThat(ActionLinks.isUsableActionUrl("https://exa mple.com/")).isFalse();
    }
}
