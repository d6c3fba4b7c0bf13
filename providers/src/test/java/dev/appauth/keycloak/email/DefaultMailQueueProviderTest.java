package dev.appauth.keycloak.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.appauth.keycloak.KeycloakStandIns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.RealmModel;

/** Intents are written in the request's transaction; their rows go to the workers only when it commits. */
class DefaultMailQueueProviderTest {

    private record Row(String id, String realmId, String kind, String payload, long now, long notBefore) {
    }

    private final MailQueueConfig config = MailQueueConfig.of(1, 10, Duration.ofMillis(100));
    private final List<String> attempted = new CopyOnWriteArrayList<>();
    private final MailWorkers workers = new MailWorkers(config, attempted::add, new MailStats(), getClass().getClassLoader());
    private final List<Row> rows = new ArrayList<>();
    private final List<KeycloakTransaction> enlisted = new ArrayList<>();

    private MailQueueProvider queue() {
        return new DefaultMailQueueProvider(session(enlisted), TestMails.codec(), config, workers, (realmId, kind, payload, now, notBefore) -> {
            String id = "row-" + (rows.size() + 1);
            rows.add(new Row(id, realmId, kind, payload, now, notBefore));
            return id;
        }, () -> 1_000_000L);
    }

    @AfterEach
    void stop() {
        workers.close();
    }

    @Test
    void rowsAreWrittenAtOnceAndAttemptedOnlyAfterCommit() throws Exception {
        MailQueueProvider queue = queue();
        queue.queue(new TestMails.Hello("a@example.com", "auth-api"));
        queue.queue(new TestMails.Bye("user-1"));
        assertThat(rows).extracting(Row::kind).containsExactly("hello", "bye");
        assertThat(rows.get(0).realmId()).isEqualTo("realm-1");
        assertThat(rows.get(0).payload()).isEqualTo("{\"email\":\"a@example.com\",\"clientId\":\"auth-api\"}");
        assertThat(rows.get(0).notBefore()).as("due after the dispatch delay").isEqualTo(1_000_100L);
        assertThat(enlisted).as("one after-completion transaction per request").hasSize(1);
        Thread.sleep(100);
        assertThat(attempted).isEmpty();

        enlisted.get(0).begin();
        enlisted.get(0).commit();
        MailWorkersTest.awaitTrue(() -> attempted.size() == 2);
        assertThat(attempted).containsExactly("row-1", "row-2");
    }

    @Test
    void aRolledBackRequestHandsNothingOver() throws Exception {
        queue().queue(new TestMails.Hello("a@example.com", "auth-api"));
        enlisted.get(0).begin();
        enlisted.get(0).rollback();
        Thread.sleep(200);
        assertThat(attempted).isEmpty();
    }

    @Test
    void anUnregisteredIntentIsRefusedBeforeAnythingIsWritten() {
        MailTask lambda = (s, r) -> true;
        assertThatThrownBy(() -> queue().queue(lambda)).isInstanceOf(IllegalArgumentException.class);
        assertThat(rows).isEmpty();
        assertThat(enlisted).isEmpty();
    }

    private static KeycloakSession session(List<KeycloakTransaction> enlisted) {
        RealmModel realm = (RealmModel) Proxy.newProxyInstance(RealmModel.class.getClassLoader(), new Class<?>[] { RealmModel.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("getId")) {
                        return "realm-1";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        KeycloakContext context = (KeycloakContext) Proxy.newProxyInstance(KeycloakContext.class.getClassLoader(),
                new Class<?>[] { KeycloakContext.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getRealm")) {
                        return realm;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return KeycloakStandIns.session(enlisted, context);
    }
}
