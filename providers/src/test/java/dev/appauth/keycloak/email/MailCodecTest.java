package dev.appauth.keycloak.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** Intents go to JSON and back by registered kind only: the database can never name a class to build. */
class MailCodecTest {

    private final MailCodec codec = TestMails.codec();

    @Test
    void aRegisteredIntentSurvivesTheRoundTrip() throws Exception {
        TestMails.Hello hello = new TestMails.Hello("someone@example.com", "auth-api");
        assertThat(codec.kindOf(hello)).isEqualTo("hello");
        String json = codec.encode(hello);
        assertThat(json).isEqualTo("{\"email\":\"someone@example.com\",\"clientId\":\"auth-api\"}");
        assertThat(codec.decode("hello", json)).isEqualTo(hello);
        // a field added by a later release does not make this node drop the intent
        assertThat(codec.decode("hello", "{\"email\":\"a@example.com\",\"clientId\":\"c\",\"locale\":\"de\"}"))
                .isEqualTo(new TestMails.Hello("a@example.com", "c"));
    }

    @Test
    void anUnknownKindOrAClassNameIsNotRebuilt() {
        assertThatThrownBy(() -> codec.decode("java.lang.ProcessBuilder", "{}")).isInstanceOf(MailCodec.UnknownMailException.class);
        assertThatThrownBy(() -> codec.decode("dev.appauth.keycloak.email.TestMails$Hello", "{}"))
                .isInstanceOf(MailCodec.UnknownMailException.class);
        // Jackson's polymorphic type hints mean nothing here: the target type is fixed by the kind
        assertThat(catchDecode("hello", "{\"@class\":\"java.lang.ProcessBuilder\",\"email\":\"x\"}"))
                .isEqualTo(new TestMails.Hello("x", null));
    }

    @Test
    void unreadableJsonNamesNoData() {
        assertThatThrownBy(() -> codec.decode("hello", "{\"email\": \"secret@example.com\""))
                .isInstanceOf(MailCodec.UnknownMailException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("@"));
    }

    @Test
    void onlyRegisteredRecordsAreQueued() {
        MailTask lambda = (s, r) -> true;
        assertThatThrownBy(() -> codec.kindOf(lambda)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MailCodec(Map.of("plain", NotARecord.class))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record");
        assertThatThrownBy(() -> codec.encode(new TestMails.Hello("x".repeat(MailCodec.MAX_PAYLOAD), "c")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theServiceLoaderFindsTheLifecycleKinds() {
        MailCodec loaded = MailCodec.load(getClass().getClassLoader());
        assertThat(loaded.size()).isEqualTo(8);
    }

    private MailTask catchDecode(String kind, String json) {
        try {
            return codec.decode(kind, json);
        } catch (MailCodec.UnknownMailException e) {
            throw new AssertionError(e);
        }
    }

    static final class NotARecord implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) {
            return false;
        }
    }
}
