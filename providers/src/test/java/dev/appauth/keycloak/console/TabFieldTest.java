package dev.appauth.keycloak.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;

class TabFieldTest {

    @Test
    void allowedClientsAreTrimmedSortedAndUnique() {
        assertThat(TabField.ALLOWED_CLIENTS.parse(List.of(" web-app \r\n\nmobile-app\n\tweb-app\n")).keySet())
                .containsExactly("mobile-app", "web-app");
        assertThat(TabField.ALLOWED_CLIENTS.parse(Arrays.asList("b", null, "", "a\nc")).keySet()).containsExactly("a", "b", "c");
        assertThat(TabField.ALLOWED_CLIENTS.parse(null)).isEmpty();
    }

    @Test
    void actionUrlsAreClientIdAndAbsoluteHttpUrl() {
        assertThat(TabField.ACTION_URLS.parse(List.of("web  https://app.example.com/auth/action\nmobile\thttp://10.0.0.1:3000/a?x=1\n")))
                .isEqualTo(Map.of("mobile", "http://10.0.0.1:3000/a?x=1", "web", "https://app.example.com/auth/action"));
        for (String bad : new String[] {"web", "web /relative", "web javascript:alert(1)", "web https://a.example/x extra",
                "https://app.example.com"}) {
            assertThatThrownBy(() -> TabField.ACTION_URLS.parse(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(bad.trim());
        }
    }

    @Test
    void storedFormIsCanonicalAndEmptyMeansNoEntry() {
        ComponentModel model = new ComponentModel();
        TabField.ALLOWED_CLIENTS.store(model, new TreeMap<>(Map.of("b", "true", "a", "true")));
        assertThat(model.getConfig().get("allowedClients")).containsExactly("a\nb");
        TabField.ACTION_URLS.store(model, new TreeMap<>(Map.of("web", "https://x.example/p")));
        assertThat(model.getConfig().get("actionUrls")).containsExactly("web https://x.example/p");
        assertThat(TabField.ACTION_URLS.of(model)).containsEntry("web", "https://x.example/p");

        TabField.ALLOWED_CLIENTS.store(model, new TreeMap<>());
        assertThat(model.getConfig()).doesNotContainKey("allowedClients");
        assertThat(TabField.ALLOWED_CLIENTS.of(model)).isEmpty();
    }
}
