package dev.appauth.keycloak.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;

class AllowedClientsListTest {

    @Test
    void parsesOneClientIdPerLineTrimmedSortedWithoutBlanksOrDuplicates() {
        assertThat(AllowedClientsList.parse(List.of(" web-app \r\n\nmobile-app\n\tweb-app\n"))).containsExactly("mobile-app", "web-app");
    }

    @Test
    void acceptsSeveralValuesAsTheAdminRestApiMaySendThem() {
        assertThat(AllowedClientsList.parse(Arrays.asList("b", null, "", "a\nc"))).containsExactly("a", "b", "c");
        assertThat(AllowedClientsList.parse(null)).isEmpty();
    }

    @Test
    void storesOneValueAndNoEntryForAnEmptyList() {
        ComponentModel model = new ComponentModel();
        AllowedClientsList.store(model, List.of("a", "b"));
        assertThat(model.getConfig().get(AllowedClientsList.CONFIG_KEY)).containsExactly("a\nb");
        assertThat(AllowedClientsList.of(model)).containsExactly("a", "b");

        AllowedClientsList.store(model, List.of());
        assertThat(model.getConfig()).doesNotContainKey(AllowedClientsList.CONFIG_KEY);
        assertThat(AllowedClientsList.of(model)).isEmpty();
    }
}
