package dev.appauth.keycloak.console;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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

import dev.appauth.keycloak.rest.AllowedClients;

/**
 * Both directions between the client attribute (the truth) and the Auth API tab's component (what
 * the console shows and saves).
 *
 * <p>Save in the console: {@link #apply} makes exactly the listed clients allowed.
 *
 * <p>Everything else that changes the attribute or a listed client (the admin REST API, kcadm,
 * partial import, a client renamed or deleted, a realm import, a deployment that predates the tab)
 * publishes a Keycloak event; the listener notes the realm and, once per transaction, just before it
 * commits, rewrites the component's list from the attributes. So the tab opens on the current state.
 */
final class AllowedClientsSync {

    private static final Logger LOG = Logger.getLogger(AllowedClientsSync.class);
    private static final String PENDING = AllowedClientsSync.class.getName() + ".pending";
    /** Set while the sync itself writes the component, so that the factory's callbacks do not write back. */
    private static final String SYNCING = AllowedClientsSync.class.getName() + ".syncing";

    private AllowedClientsSync() {
    }

    /** The realm's Auth API tab components; the console keeps one per realm (see the factory's onCreate). */
    static Stream<ComponentModel> components(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UiTabProvider.class.getName())
                .filter(c -> AuthApiTabProviderFactory.ID.equals(c.getProviderId()));
    }

    static boolean isSyncing(KeycloakSession session) {
        return session.getAttribute(SYNCING) != null;
    }

    /** The clients whose state saving this list would change. */
    static Stream<ClientModel> changes(KeycloakSession session, RealmModel realm, List<String> clientIds) {
        Set<String> wanted = new HashSet<>(clientIds);
        Stream<ClientModel> unlisted = AllowedClients.find(session, realm).filter(client -> !wanted.contains(client.getClientId()));
        Stream<ClientModel> listed = clientIds.stream().map(realm::getClientByClientId)
                .filter(client -> client != null && !AllowedClients.isAllowed(client));
        return Stream.concat(unlisted, listed);
    }

    /** The console saved the list: exactly these clients are allowed now, no other. */
    static void apply(KeycloakSession session, RealmModel realm, List<String> clientIds) {
        for (ClientModel client : changes(session, realm, clientIds).toList()) {
            boolean allowed = !AllowedClients.isAllowed(client);
            AllowedClients.setAllowed(client, allowed);
            LOG.debugf("Realm %s: client %s %s for the Auth API", realm.getName(), client.getClientId(),
                    allowed ? "allowed" : "no longer allowed");
        }
    }

    // --- attribute -> component ------------------------------------------------------------------

    static void onEvent(ProviderEvent event) {
        try {
            if (event instanceof ClientModel.ClientUpdatedEvent updated) {
                // also published for a new client and after a rename
                ClientModel client = updated.getUpdatedClient();
                RealmModel realm = client.getRealm();
                if (listed(realm).contains(client.getClientId()) != AllowedClients.isAllowed(client)) {
                    pending(updated.getKeycloakSession(), realm).touched.add(client.getId());
                }
            } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
                ClientModel client = removed.getClient();
                RealmModel realm = client.getRealm();
                if (listed(realm).contains(client.getClientId())) {
                    pending(removed.getKeycloakSession(), realm).removed.add(client.getId());
                }
            } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
                // new or imported realm: its clients may carry the attribute from the import
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

    private static List<String> listed(RealmModel realm) {
        return components(realm).findFirst().map(AllowedClientsList::of).orElse(List.of());
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

    /** Rewrites the realm's component so that it lists the allowed clients; creates it when the first one appears. */
    private static void refresh(KeycloakSession session, RealmModel realm, RealmChanges changes) {
        // the attribute query may not see this transaction's unflushed changes: the touched clients are read from the model
        Map<String, String> allowed = new HashMap<>();
        Stream<ClientModel> found = changes.scanAll
                ? realm.getClientsStream().filter(AllowedClients::isAllowed)
                : AllowedClients.find(session, realm);
        found.forEach(client -> allowed.put(client.getId(), client.getClientId()));
        for (String id : changes.touched) {
            ClientModel client = session.clients().getClientById(realm, id);
            if (client != null && AllowedClients.isAllowed(client)) {
                allowed.put(id, client.getClientId());
            } else {
                allowed.remove(id);
            }
        }
        changes.removed.forEach(allowed::remove);
        List<String> clientIds = AllowedClientsList.parse(allowed.values());

        List<ComponentModel> existing = components(realm).sorted(Comparator.comparing(ComponentModel::getId)).toList();
        session.setAttribute(SYNCING, Boolean.TRUE);
        try {
            if (existing.isEmpty()) {
                if (!clientIds.isEmpty()) {
                    ComponentModel component = new ComponentModel();
                    component.setName(AuthApiTabProviderFactory.ID);
                    component.setProviderId(AuthApiTabProviderFactory.ID);
                    component.setProviderType(UiTabProvider.class.getName());
                    component.setParentId(realm.getId());
                    AllowedClientsList.store(component, clientIds);
                    realm.addComponentModel(component);
                    LOG.debugf("Realm %s: Auth API tab created listing %s", realm.getName(), clientIds);
                }
                return;
            }
            // two nodes starting at once may both have created one: every node keeps the same (lowest id)
            existing.stream().skip(1).forEach(realm::removeComponent);
            ComponentModel component = new ComponentModel(existing.get(0));
            if (!AllowedClientsList.of(component).equals(clientIds)) {
                AllowedClientsList.store(component, clientIds);
                realm.updateComponent(component);
                LOG.debugf("Realm %s: Auth API tab now lists %s", realm.getName(), clientIds);
            }
        } finally {
            session.removeAttribute(SYNCING);
        }
    }
}
