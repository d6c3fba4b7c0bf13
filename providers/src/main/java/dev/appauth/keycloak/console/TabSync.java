package dev.appauth.keycloak.console;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.ui.extend.UiTabProvider;


/**
 * Both directions between the client attributes (the truth) and the Auth API tab's component (what
 * the console shows and saves), for every {@link TabField}.
 *
 * <p>Save in the console: {@link #apply} makes exactly the listed clients carry the attribute, with
 * the listed values.
 *
 * <p>Everything else that changes an attribute or a listed client (the admin REST API, kcadm,
 * partial import, a client renamed or deleted, a realm import, a deployment that predates the tab)
 * publishes a Keycloak event; the listener notes the realm and, once per transaction, just before it
 * commits, rewrites the component's fields from the attributes. So the tab opens on the current state.
 */
final class TabSync {

    private static final Logger LOG = Logger.getLogger(TabSync.class);
    private static final String PENDING = TabSync.class.getName() + ".pending";
    /** Set while the sync itself writes the component, so that the factory's callbacks do not write back. */
    private static final String SYNCING = TabSync.class.getName() + ".syncing";

    private TabSync() {
    }

    /** The realm's Auth API tab components; the console keeps one per realm (see the factory's onCreate). */
    static Stream<ComponentModel> components(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UiTabProvider.class.getName())
                .filter(c -> AuthApiTabProviderFactory.ID.equals(c.getProviderId()));
    }

    static boolean isSyncing(KeycloakSession session) {
        return session.getAttribute(SYNCING) != null;
    }

    /** The clients whose attribute saving these entries would change. */
    static Stream<ClientModel> changes(KeycloakSession session, RealmModel realm, TabField field,
            SortedMap<String, String> entries) {
        Stream<ClientModel> unlisted = field.carriers(session, realm).filter(client -> !entries.containsKey(client.getClientId()));
        Stream<ClientModel> listed = entries.entrySet().stream()
                .map(e -> {
                    ClientModel client = realm.getClientByClientId(e.getKey());
                    return client != null && !e.getValue().equals(field.valueOf(client)) ? client : null;
                })
                .filter(Objects::nonNull);
        return Stream.concat(unlisted, listed);
    }

    /** The console saved the tab: exactly the listed clients carry the attribute now, with the listed values. */
    static void apply(KeycloakSession session, RealmModel realm, TabField field, SortedMap<String, String> entries) {
        for (ClientModel client : changes(session, realm, field, entries).toList()) {
            String value = entries.get(client.getClientId());
            field.set(client, value);
            LOG.debugf("Realm %s: client %s: %s %s", realm.getName(), client.getClientId(), field.attribute,
                    value == null ? "removed" : "set");
        }
    }

    // --- attribute -> component ------------------------------------------------------------------

    static void onEvent(ProviderEvent event) {
        try {
            if (event instanceof ClientModel.ClientUpdatedEvent updated) {
                // also published for a new client and after a rename
                ClientModel client = updated.getUpdatedClient();
                RealmModel realm = client.getRealm();
                ComponentModel component = components(realm).findFirst().orElse(null);
                for (TabField field : TabField.values()) {
                    String listed = component == null ? null : field.of(component).get(client.getClientId());
                    if (!Objects.equals(listed, field.valueOf(client))) {
                        pending(updated.getKeycloakSession(), realm).touched.add(client.getId());
                    }
                }
            } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
                ClientModel client = removed.getClient();
                RealmModel realm = client.getRealm();
                ComponentModel component = components(realm).findFirst().orElse(null);
                if (component != null && Stream.of(TabField.values())
                        .anyMatch(field -> field.of(component).containsKey(client.getClientId()))) {
                    pending(removed.getKeycloakSession(), realm).removed.add(client.getId());
                }
            } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
                // new or imported realm: its clients may carry the attributes from the import
                pending(created.getKeycloakSession(), created.getCreatedRealm()).scanAll = true;
            } else if (event instanceof PostMigrationEvent started) {
                // server start: catch up with changes made while the tab was not deployed or not enabled
                refreshAllRealms(started.getFactory());
            }
        } catch (RuntimeException e) {
            // the console's view must never break a client update; it catches up at the next change or restart
            LOG.warnf("Could not update the Auth API tab after %s: %s", event.getClass().getSimpleName(), e.toString());
            LOG.debug("Auth API tab update failed", e);
        }
    }

    private static void refreshAllRealms(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.realms().getRealmsStream()
                .forEach(realm -> refresh(session, realm, new RealmChanges())));
    }

    private static RealmChanges pending(KeycloakSession session, RealmModel realm) {
        Pending pending = session.getAttribute(PENDING, Pending.class);
        if (pending == null) {
            pending = new Pending(session);
            session.getTransactionManager().enlistPrepare(pending);
            session.setAttribute(PENDING, pending);
        }
        return pending.realms.computeIfAbsent(realm.getId(), id -> new RealmChanges());
    }

    /** What one transaction changed in one realm. */
    private static final class RealmChanges {
        final Set<String> touched = new HashSet<>();
        final Set<String> removed = new HashSet<>();
        boolean scanAll;
    }

    /** Runs in the prepare phase: after the request's own changes, before the database commit, in the same transaction. */
    private static final class Pending extends AbstractKeycloakTransaction {
        private final KeycloakSession session;
        private final Map<String, RealmChanges> realms = new LinkedHashMap<>();

        Pending(KeycloakSession session) {
            this.session = session;
        }

        @Override
        protected void commitImpl() {
            session.removeAttribute(PENDING);
            realms.forEach((realmId, changes) -> {
                RealmModel realm = session.realms().getRealm(realmId);
                if (realm == null) {
                    return; // removed in this transaction
                }
                try {
                    refresh(session, realm, changes);
                } catch (RuntimeException e) {
                    LOG.warnf("Could not update the Auth API tab of realm %s: %s", realm.getName(), e.toString());
                    LOG.debug("Auth API tab update failed", e);
                }
            });
        }

        @Override
        protected void rollbackImpl() {
            session.removeAttribute(PENDING);
        }
    }

    /** The field's entries as the attributes say now. */
    private static SortedMap<String, String> current(KeycloakSession session, RealmModel realm, TabField field,
            RealmChanges changes) {
        // the attribute query may not see this transaction's unflushed changes: the touched clients are read from the model
        Map<String, ClientModel> carriers = new HashMap<>();
        Stream<ClientModel> found = changes.scanAll
                ? realm.getClientsStream().filter(client -> field.valueOf(client) != null)
                : field.carriers(session, realm);
        found.forEach(client -> carriers.put(client.getId(), client));
        for (String id : changes.touched) {
            ClientModel client = session.clients().getClientById(realm, id);
            if (client != null && field.valueOf(client) != null) {
                carriers.put(id, client);
            } else {
                carriers.remove(id);
            }
        }
        changes.removed.forEach(carriers::remove);
        SortedMap<String, String> entries = new TreeMap<>();
        carriers.values().forEach(client -> entries.put(client.getClientId(), field.valueOf(client)));
        return entries;
    }

    /** Rewrites the realm's component so that its fields show the attributes; creates it when the first one appears. */
    private static void refresh(KeycloakSession session, RealmModel realm, RealmChanges changes) {
        Map<TabField, SortedMap<String, String>> wanted = new LinkedHashMap<>();
        for (TabField field : TabField.values()) {
            wanted.put(field, current(session, realm, field, changes));
        }
        List<ComponentModel> existing = components(realm).sorted(Comparator.comparing(ComponentModel::getId)).toList();
        session.setAttribute(SYNCING, Boolean.TRUE);
        try {
            if (existing.isEmpty()) {
                if (wanted.values().stream().anyMatch(entries -> !entries.isEmpty())) {
                    ComponentModel component = new ComponentModel();
                    component.setName(AuthApiTabProviderFactory.ID);
                    component.setProviderId(AuthApiTabProviderFactory.ID);
                    component.setProviderType(UiTabProvider.class.getName());
                    component.setParentId(realm.getId());
                    wanted.forEach((field, entries) -> field.store(component, entries));
                    realm.addComponentModel(component);
                    LOG.debugf("Realm %s: Auth API tab created", realm.getName());
                }
                return;
            }
            // two nodes starting at once may both have created one: every node keeps the same (lowest id)
            existing.stream().skip(1).forEach(realm::removeComponent);
            ComponentModel component = new ComponentModel(existing.get(0));
            boolean changed = false;
            for (Map.Entry<TabField, SortedMap<String, String>> e : wanted.entrySet()) {
                if (!e.getKey().of(component).equals(e.getValue())) {
                    e.getKey().store(component, e.getValue());
                    changed = true;
                }
            }
            if (changed) {
                realm.updateComponent(component);
                LOG.debugf("Realm %s: Auth API tab follows the client attributes", realm.getName());
            }
        } finally {
            session.removeAttribute(SYNCING);
        }
    }
}
