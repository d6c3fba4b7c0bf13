package dev.appauth.keycloak.email;

import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** Mail intents for the unit tests, registered the way lifecycle/ registers its own. */
final class TestMails {

    record Hello(String email, String clientId) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) {
            return true;
        }
    }

    record Bye(String userId) implements MailTask {
        @Override
        public boolean send(KeycloakSession session, RealmModel realm) {
            return true;
        }
    }

    static MailCodec codec() {
        return new MailCodec(Map.of("hello", Hello.class, "bye", Bye.class));
    }

    private TestMails() {
    }
}
