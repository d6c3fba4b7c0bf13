package dev.appauth.keycloak.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.appauth.keycloak.KeycloakStandIns;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.RealmModel;

/** Mails of a request leave only when its transaction commits. */
class DefaultMailQueueProviderTest {

    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final MailWorkers workers = new MailWorkers(new MailQueueConfig(1, 10, java.time.Duration.ofMillis(50)), (realmId, task) -> {
        ran.add(realmId);
        return true;
    }, getClass().getClassLoader());

    @Test
    void nothingIsSentBeforeCommitAndAllIsSentAfter() throws Exception {
        List<KeycloakTransaction> enlisted = new ArrayList<>();
        MailQueueProvider queue = new DefaultMailQueueProvider(session(enlisted), workers);
        queue.sendAfterCommit("a", (s, r) -> true);
        queue.sendAfterCommit("b", (s, r) -> true);
        assertThat(enlisted).as("one after-completion transaction per request").hasSize(1);
        Thread.sleep(100);
        assertThat(ran).isEmpty();

        enlisted.get(0).begin();
        enlisted.get(0).commit();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ran.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ran).containsExactly("realm-1", "realm-1");
        workers.close();
    }

    @Test
    void aRolledBackRequestSendsNothing() throws Exception {
        List<KeycloakTransaction> enlisted = new ArrayList<>();
        MailQueueProvider queue = new DefaultMailQueueProvider(session(enlisted), workers);
        queue.sendAfterCommit("a", (s, r) -> true);
        enlisted.get(0).begin();
        enlisted.get(0).rollback();
        workers.close();
        assertThat(ran).isEmpty();
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
