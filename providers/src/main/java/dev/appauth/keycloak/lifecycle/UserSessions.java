package dev.appauth.keycloak.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;

/** A user's Keycloak sessions: listing them and ending them the way Keycloak's logout does (backchannel included). */
public final class UserSessions {

    private final KeycloakSession session;
    private final RealmModel realm;

    public UserSessions(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** The user's online sessions, oldest first. */
    public List<UserSessionModel> list(UserModel user) {
        return session.sessions().getUserSessionsStream(realm, user)
                .sorted((a, b) -> Integer.compare(a.getStarted(), b.getStarted()))
                .toList();
    }

    /** The session with this id if it is one of the user's own, else null (another user's session is never revealed). */
    public UserSessionModel own(UserModel user, String sessionId) {
        UserSessionModel found = session.sessions().getUserSession(realm, sessionId);
        return found != null && found.getUser() != null && found.getUser().getId().equals(user.getId()) ? found : null;
    }

    /** Revokes an access token the way Keycloak's revocation endpoint does: userinfo and introspection reject it at once. */
    public void revoke(AccessToken token) {
        if (token.getId() != null && token.getExp() != null) {
            session.revokedTokens().put(token.getId(), Math.max(token.getExp() - Time.currentTime() + 1, 10));
        }
    }

    public void end(UserSessionModel userSession) {
        AuthenticationManager.backchannelLogout(session, userSession, true);
    }

    /** Ends every session of the user, offline ones included. */
    public void endAll(UserModel user) {
        endAllExcept(user, null);
    }

    /** Ends every session of the user (offline ones included) except the one with this id. */
    public void endAllExcept(UserModel user, String keptSessionId) {
        List<UserSessionModel> ended = new ArrayList<>();
        Stream.concat(session.sessions().getUserSessionsStream(realm, user), session.sessions().getOfflineUserSessionsStream(realm, user))
                .filter(s -> !s.getId().equals(keptSessionId))
                .forEach(ended::add);
        ended.forEach(this::end);
    }
}
